module example.com/relations

go 1.26
