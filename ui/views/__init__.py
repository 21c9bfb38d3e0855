"""Widget groups that belong to one page each, named after it (`ui.views.build` for
pages/2_Build.py); what several pages share lives directly in `ui/`.

    home       the landing page itself (a function page that app.py hands to `nav.navigation`)
    data       choosing a dataset, the sample grid
    build      the preset picker, the layer editor, loading a network from JSON
    train      the session's training job: state, progress, live curves, results
    compare    the runs table, exports, curves of several runs, one run in detail
    reproduce  a results table's recipes, scale-down options, ours beside the assignment's
    classify   the model choice, what it knows, what the network looked at

Nothing in `ui/` outside this package imports it; only the pages and app.py do.
"""
