"""The database side of retraining: reviewer decisions read into plain training records
(``export.py``). Reads only; the corpus files and the training are ``annotations/nlp``'s."""
