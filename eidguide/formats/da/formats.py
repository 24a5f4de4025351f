# Dates as a Danish reader writes them: 31. oktober 2023.
DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "j. M Y"
