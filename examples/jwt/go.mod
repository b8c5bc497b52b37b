module example.com/gojwt

go 1.25
