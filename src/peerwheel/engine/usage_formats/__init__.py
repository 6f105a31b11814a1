"""Pure parsers for AI-usage exports, one module per vendor format, all the same shape.

Each module has `FORMAT` (its name), `detect(header) -> bool` and
`parse(source, *, today=None, file_name=None) -> ParseResult` (lazy records + a report that fills
in as they are read), and raises `UsageFileError` with the file, line and column. Nothing here
writes anything: the usage app does the atomic write.
"""
