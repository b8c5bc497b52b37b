module gowright/apidump

go 1.21
