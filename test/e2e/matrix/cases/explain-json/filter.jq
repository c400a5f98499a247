del(.subjects[].findings)
