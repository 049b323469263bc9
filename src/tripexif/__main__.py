from tripexif.cli import main

main()
