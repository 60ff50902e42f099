"""Recognisers: one small module per identifier family, collected by ``registry``."""
