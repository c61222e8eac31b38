package pod

import (
	"fmt"
	"io"
)

// mask stands in for every password the banner would show.
const mask = "********"

// WriteBanner prints the startup summary: mode, config files, ports and where
// the database and Redis are, with passwords masked.
func (c *Config) WriteBanner(w io.Writer) {
	file := c.File
	if file == "" {
		file = "none (defaults)"
	}
	if c.PasswordsFile != "" {
		file += ", " + c.PasswordsFile
	}
	fmt.Fprintf(w, "Mode: %s\n", c.Mode)
	fmt.Fprintf(w, "Config: %s\n", file)
	fmt.Fprintf(w, "API port: %d (%s), insights port: %d (%s)\n", c.APIServer.Port, listenHost(c.APIServer.Host),
		c.InsightsServer.Port, listenHost(c.InsightsServer.Host))
	fmt.Fprintf(w, "Database: %s\n", c.Database.display())
	if c.Redis.Enabled {
		fmt.Fprintf(w, "Redis: %s\n", c.Redis.display())
	} else {
		fmt.Fprintf(w, "Redis: disabled\n")
	}
}

// display is the database's URL with the password masked.
func (d DatabaseConfig) display() string {
	return userAt(d.User, d.Password) + hostPort(d.Host, d.Port) + "/" + d.Name
}

func (r RedisConfig) display() string {
	return userAt(r.User, r.Password) + r.Addr()
}

func userAt(user, password string) string {
	switch {
	case password != "":
		return user + ":" + mask + "@"
	case user != "":
		return user + "@"
	}
	return ""
}

// listenHost says where a server listens.
func listenHost(host string) string {
	if host == "" {
		return "all interfaces"
	}
	return host
}
