module example.com/authapp

go 1.26
