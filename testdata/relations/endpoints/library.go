// Package endpoints holds the relations app's endpoints.
package endpoints

import "example.com/relations/out/pod"

// LibraryEndpoint is served as "library".
type LibraryEndpoint struct{}

// AddBook stores a book (its author_id must name an author) and returns it
// with its id: POST /library/addBook.
func (e *LibraryEndpoint) AddBook(s *pod.Session, b pod.Book) (pod.Book, error) {
	if err := s.DB.Book.Insert(&b); err != nil {
		return pod.Book{}, err
	}
	return b, nil
}

// Echo sends a book back as it came, with its author when set:
// POST /library/echo.
func (e *LibraryEndpoint) Echo(s *pod.Session, b pod.Book) (pod.Book, error) {
	return b, nil
}
