from ctr199.cli import main

main()
