// Package endpoints holds the relations app's endpoints.
package endpoints

import (
	"strconv"
	"time"

	"example.com/relations/out/pod"
)

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

// AuthorWithBooks returns the author with id and their books, longest
// first, each with its label, read once through the Global cache (the
// cached copy carries the included rows): POST /library/authorWithBooks.
func (e *LibraryEndpoint) AuthorWithBooks(s *pod.Session, id int64) (*pod.Author, error) {
	key := "author-with-books:" + strconv.FormatInt(id, 10)
	if v, err := s.Caches.Global.Get(key); err != nil || v != nil {
		if err != nil {
			return nil, err
		}
		return v.(*pod.Author), nil
	}
	a, err := s.DB.Author.FindByID(id, pod.AuthorT.Books.Include(nil,
		pod.OrderBy(pod.BookT.Pages.Desc()), pod.BookT.Label.Include()))
	if err != nil || a == nil {
		return a, err
	}
	return a, s.Caches.Global.Put(key, a, time.Minute)
}
