from ddbtool.cli import main

main()
