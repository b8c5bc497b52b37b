module example.com/hellolib

go 1.21
