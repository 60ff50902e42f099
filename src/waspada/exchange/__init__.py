"""Exchange with partner countries: STIX 2.1 and MISP, TLP 2.0, pseudonyms, PSI and TAXII."""
