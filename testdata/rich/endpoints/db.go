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

// ImportEmployees stores es in one InsertMany, updating the employees
// whose email is stored already, and returns their IDs in order.
func (e *StoreEndpoint) ImportEmployees(s *pod.Session, es []pod.Employee) ([]int64, error) {
	rows := make([]*pod.Employee, len(es))
	for i := range es {
		es[i].ID = 0
		rows[i] = &es[i]
	}
	if err := s.DB.Employee.InsertMany(rows, pod.UpdateExisting(pod.EmployeeT.Email)); err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}

// RenameCompany renames company id; a name another company of the same
// founding date has is the caller's mistake (InvalidInput), which the
// typed unique violation tells apart from any other failure.
func (e *StoreEndpoint) RenameCompany(s *pod.Session, id int64, name string) error {
	c := &pod.Company{ID: id, Name: name}
	err := s.DB.Company.UpdateColumns(c, pod.CompanyT.Name)
	var dup *pod.UniqueViolationError
	if errors.As(err, &dup) {
		return &pod.InvalidInput{Field: "name", Reason: "taken"}
	}
	return err
}

// GiveRaise raises the salary of every employee of role by amount, row
// locked in a transaction, and returns the employees as they were.
func (e *StoreEndpoint) GiveRaise(s *pod.Session, role pod.Role, amount float64) ([]pod.Employee, error) {
	var before []pod.Employee
	err := s.DB.Transaction(func(tx *pod.DB) error {
		es, err := tx.Employee.Find(pod.EmployeeT.Role.Equals(role), pod.OrderBy(pod.EmployeeT.ID.Asc()), pod.ForUpdate())
		if err != nil {
			return err
		}
		for _, e := range es {
			before = append(before, *e)
			if _, err := tx.Employee.UpdateWhere(pod.EmployeeT.ID.Equals(e.ID), pod.EmployeeT.Salary.Set(e.Salary+amount)); err != nil {
				return err
			}
		}
		return nil
	}, pod.TxOptions{Isolation: pod.RepeatableRead})
	return before, err
}

// EmployeesAfter is one keyset page of employees by email.
func (e *StoreEndpoint) EmployeesAfter(s *pod.Session, email string, limit int64) ([]pod.Employee, error) {
	es, err := s.DB.Employee.Find(nil, pod.OrderBy(pod.EmployeeT.Email.Asc()),
		pod.After(&pod.Employee{Email: email}), pod.Limit(int(limit)))
	out := make([]pod.Employee, len(es))
	for i, e := range es {
		out[i] = *e
	}
	return out, err
}

// PurgeEmployees deletes the employees older than age and returns them.
func (e *StoreEndpoint) PurgeEmployees(s *pod.Session, olderThan int64) ([]pod.Employee, error) {
	es, err := s.DB.Employee.DeleteReturning(pod.EmployeeT.Age.GreaterThan(olderThan))
	out := make([]pod.Employee, len(es))
	for i, e := range es {
		out[i] = *e
	}
	return out, err
}
