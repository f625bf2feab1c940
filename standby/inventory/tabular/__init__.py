"""CSV and XLSX import per entity: read (bounded), check (plan), then write all or nothing.

``reading`` turns bytes into rows and refuses hostile files; ``grammar`` reads the ``requires``
and ``members`` cells; ``entities`` lists each sheet's columns; ``plan`` checks a sheet against
the inventory without writing; ``apply`` writes a checked sheet through the services.
"""
