"""Taking over a register as it stands (接收原有学籍, NUM-4): the pupils already at school
kept with the numbers they have, read and written like the September intake."""
