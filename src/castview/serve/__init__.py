"""`castview serve`: the app in a browser, one app process per browser tab, behind a token.

`auth` decides who may reach the server; `server` runs the web server (textual-serve's
protocol and browser page) and the app processes it starts.
"""
