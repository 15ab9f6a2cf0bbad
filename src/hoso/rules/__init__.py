"""Pure, cited rules of personnel law (DESIGN.md: no ORM here). The legal numbers are
catalog data; callers read them from `hoso.catalog` and pass them in."""
