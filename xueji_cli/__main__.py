from xueji_cli.cli.entry import main

main()
