from xueji_cli.cli.app import main

main()
