module example.com/hello-bin

go 1.21
