"""What the worker does for votes when their time comes: open them, close and count them."""

from app.notices.worker import due_job
from app.voting import services as voting

due_job("open votes", voting.due_to_open)(voting.open_on_time)
due_job("close votes", voting.due_to_close)(voting.close_on_time)
