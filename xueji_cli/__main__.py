from xueji_cli.cli.main import main

main()
