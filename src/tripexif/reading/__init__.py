"""Read stage: walk folders, find each file's metadata, read it into Photo records.

(Named reading/, not read/: ``tripexif.read`` is the library function.)"""
