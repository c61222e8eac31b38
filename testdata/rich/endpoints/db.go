package endpoints

import (
	"errors"

	"example.com/rich/out/pod"
)

// StoreEndpoint keeps companies in the database: CRUD through s.DB.
type StoreEndpoint struct{}

// CreateCompany stores c as a new company and returns it with its ID.
func (e *StoreEndpoint) CreateCompany(s *pod.Session, c pod.Company) (pod.Company, error) {
	c.ID = 0
	err := s.DB.Company.Insert(&c)
	return c, err
}

// GetCompany returns the company with id, or NotFound.
func (e *StoreEndpoint) GetCompany(s *pod.Session, id int64) (pod.Company, error) {
	c, err := s.DB.Company.FindByID(id)
	if err != nil {
		return pod.Company{}, err
	}
	if c == nil {
		return pod.Company{}, &pod.NotFound{ID: id}
	}
	return *c, nil
}

// FindCompanies returns up to limit companies with at least minEmployees,
// largest first.
func (e *StoreEndpoint) FindCompanies(s *pod.Session, minEmployees int64, limit int64) ([]pod.Company, error) {
	cs, err := s.DB.Company.Find(pod.CompanyT.NumEmployees.GreaterOrEqual(minEmployees),
		pod.OrderBy(pod.CompanyT.NumEmployees.Desc(), pod.CompanyT.ID.Asc()), pod.Limit(int(limit)))
	out := make([]pod.Company, len(cs))
	for i, c := range cs {
		out[i] = *c
	}
	return out, err
}

// UpdateCompany stores c over the company with c.ID.
func (e *StoreEndpoint) UpdateCompany(s *pod.Session, c pod.Company) error {
	return s.DB.Company.Update(&c)
}

// DeleteCompany deletes the company with id and says how many rows went.
func (e *StoreEndpoint) DeleteCompany(s *pod.Session, id int64) (int64, error) {
	return s.DB.Company.Delete(pod.CompanyT.ID.Equals(id))
}

// CountCompanies counts the companies.
func (e *StoreEndpoint) CountCompanies(s *pod.Session) (int64, error) {
	return s.DB.Company.Count(nil)
}

// CreateTwo stores a and b in one transaction; with fail set it stores
// both, then fails, so neither is kept.
func (e *StoreEndpoint) CreateTwo(s *pod.Session, a pod.Company, b pod.Company, fail bool) error {
	return s.DB.Transaction(func(tx *pod.DB) error {
		a.ID, b.ID = 0, 0
		if err := tx.Company.Insert(&a); err != nil {
			return err
		}
		if err := tx.Company.Insert(&b); err != nil {
			return err
		}
		if fail {
			return errors.New("failing on purpose")
		}
		return nil
	})
}

// CreateVault stores v and returns its ID. A client cannot set the key of
// its secrets, which are server-only: the server sets the key itself.
func (e *StoreEndpoint) CreateVault(s *pod.Session, v pod.Vault) (int64, error) {
	v.ID = 0
	if v.Secret.Key == "" {
		v.Secret.Key = "set-by-server"
	}
	err := s.DB.Vault.Insert(&v)
	return v.ID, err
}
