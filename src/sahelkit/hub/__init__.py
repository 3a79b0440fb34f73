"""The classroom server: JupyterHub on the trainer's machine, nbgrader's exchange shared by the class.

    accounts.py     the roster's people as system users, their first passwords, the slips to print
    permissions.py  what of the kit every account reads (its Python, the notebooks, the case data
                    without truth/) and what only the trainers do
    config.py       JupyterHub's configuration: PAM logins, LocalProcessSpawner, the proxy
    singleuser.py   run as each account: the participant's workspace or the trainer's kit, then
                    JupyterHub's own single-user server
    __main__.py     `make hub`'s command: accounts, rights, checks, slips, then JupyterHub

No server of the kit's own: JupyterHub, its proxy and nbgrader's exchange do the work; this
package only configures them for a classroom with no internet.
"""
