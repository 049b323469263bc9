from tripexif._entry import run

run()
