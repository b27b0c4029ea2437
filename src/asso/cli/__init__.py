"""Layer cli: the entry point and one module per subcommand (arguments and glue).

May import every layer; nothing imports cli but asso.__main__.
"""
