"""The Cypher netmap sends to Neo4j, one statement per ``.cypher`` file (see README.md).

Installed as the package ``netmap.cypher`` and read with :mod:`importlib.resources` by
:mod:`netmap.store.statements`; nothing here is Python but this docstring.
"""
