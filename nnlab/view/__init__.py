"""What the pages show: Altair charts (``plots``), HTML tables (``tables``), the colours
(``theme``) and the live view (``live``, its JavaScript in ``live_js``). The only place in nnlab
that imports Altair or anywidget; the library never imports this package.
"""
