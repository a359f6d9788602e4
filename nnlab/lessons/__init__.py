"""One kit per lesson, named after its notebook: the thin cells of a lesson call its kit, and
the kit calls the core and the view. Kits never import each other.
"""
