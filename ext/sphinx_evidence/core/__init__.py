"""What every feature shares: configuration, warnings, nodes, assets and text helpers.

Nothing here knows about a feature; features import from here, never the other way.
"""
