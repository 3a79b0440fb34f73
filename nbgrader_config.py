c = get_config()  # noqa: F821 -- nbgrader's config lives in grader_config.py
load_subconfig("grader_config.py")  # noqa: F821
