"""Files people upload, kept outside the web root and handed back only to those allowed.

A ground-floor module: any domain may use it (evidence and outputs of enquiries,
meeting papers...). It decides nothing about who may see a file; the domain's
view checks that first, then asks this module for the download.
"""
