# Dates as a British reader writes them: 31 October 2023.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
