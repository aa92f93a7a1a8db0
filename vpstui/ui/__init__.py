"""The Textual user interface of vpstui."""
