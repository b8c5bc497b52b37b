module example.com/gocalls/floor

go 1.21

require example.com/gocalls v0.0.0

replace example.com/gocalls => ../gopkg
