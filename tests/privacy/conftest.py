from tests.uploads.samples import upload_folder  # noqa: F401  (a fixture)
