"""Text preparation: normalisation with an offset map, language and script, safe regexes."""
