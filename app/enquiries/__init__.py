from flask import Blueprint

bp = Blueprint("enquiries", __name__)
