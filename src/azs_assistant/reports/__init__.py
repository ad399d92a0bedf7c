"""Reports for managers: a typed query over incidents, filled from a plain-Russian question, executed
as parameterised SQL, rendered as a sentence, a table, a chart and files."""
