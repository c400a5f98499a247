[.subjects[].findings[] | select(.control == "NP-103") | {control, status, object}]
