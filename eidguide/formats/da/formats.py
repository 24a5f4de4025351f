# Dates as a Danish reader writes them: 31. oktober 2023, and 31. oktober 2023 kl. 14.05.
DATE_FORMAT = "j. F Y"
SHORT_DATE_FORMAT = "j. M Y"
DATETIME_FORMAT = r"j. F Y \k\l. H.i"
SHORT_DATETIME_FORMAT = r"j. M Y \k\l. H.i"
TIME_FORMAT = "H.i"
