# Summarise `execsensor-offsets --json` as "FIELD=OFFSET ..." (FIELD=absent when
# unresolved). Runs under busybox awk; the document may span several lines.

function value(obj, key, re,    m) {
	if (!match(obj, "\"" key "\"[ \t]*:[ \t]*" re))
		return ""
	m = substr(obj, RSTART, RLENGTH)
	sub(/^"[^"]*"[ \t]*:[ \t]*/, "", m)
	gsub(/"/, "", m)
	return m
}

{ doc = doc $0 " " }

END {
	n = split(doc, objs, "{")
	out = ""
	for (i = 1; i <= n; i++) {
		field = value(objs[i], "field", "\"[^\"]*\"")
		if (field == "")
			continue
		if (value(objs[i], "resolved", "(true|false)") == "true")
			out = out field "=" value(objs[i], "offset", "[0-9]+") " "
		else
			out = out field "=absent "
	}
	sub(/ $/, "", out)
	if (out == "")
		out = "no fields in the output"
	print out
}
