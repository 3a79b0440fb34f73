"""What the participant's JupyterLab loads from the kit: nbgrader's Validate answering in French
(`validate`, a server extension, with `custom.css` for the dialog's frame) and short error
messages in the kernels (`errors`, an IPython extension).

The kit's Jupyter settings that switch them on are in jupyter-config/ at the top of the kit:
`make setup` copies them into the venv, and the participant's workspace (sahelkit.workspace, also
in the USB bundle) writes them into its own configuration folder. This package ships in the
bundle; sahelkit.course (the trainer's tools) does not.
"""
