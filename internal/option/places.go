package option

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Place is a settlement: a row of GeoNames' cities1000 extract for Ukraine
// (../shared/data/ua-settlements/settlements.csv, CC BY 4.0, credit
// "GeoNames (geonames.org)").
type Place struct {
	ID         string  `json:"geonameid"`
	Name       string  `json:"name"`
	Population int     `json:"population"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
}

// Plant is a power plant: a row of the WRI Global Power Plant Database
// (../shared/data/power-plants/global_power_plant_database_ukraine.csv,
// CC BY 4.0).
type Plant struct {
	ID         string  `json:"gppd_idnr"`
	Name       string  `json:"name"`
	Fuel       string  `json:"primary_fuel"`
	CapacityMW float64 `json:"capacity_mw"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
}

// table reads a CSV file with a header, handing each row to fn by column
// name; an error names FILE:LINE.
func table(path string, columns []string, fn func(get func(string) string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: no header: %w", path, err)
	}
	at := map[string]int{}
	for i, h := range head {
		at[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, c := range columns {
		if _, ok := at[c]; !ok {
			return fmt.Errorf("%s:1: no column %q (the file needs %s)", path, c, strings.Join(columns, ", "))
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		if err := fn(func(c string) string { return strings.TrimSpace(rec[at[c]]) }); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
}

func number(get func(string) string, col string) (float64, error) {
	v, err := strconv.ParseFloat(get(col), 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a number", col, get(col))
	}
	return v, nil
}

func position(get func(string) string, latCol, lonCol string) (lat, lon float64, err error) {
	if lat, err = number(get, latCol); err != nil {
		return 0, 0, err
	}
	if lon, err = number(get, lonCol); err != nil {
		return 0, 0, err
	}
	if lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return 0, 0, fmt.Errorf("position %g, %g is not a latitude and longitude", lat, lon)
	}
	return lat, lon, nil
}

// ReadSettlements reads GeoNames' settlements (columns geonameid, name,
// population, lat, lon).
func ReadSettlements(path string) ([]Place, error) {
	var out []Place
	err := table(path, []string{"geonameid", "name", "population", "lat", "lon"}, func(get func(string) string) error {
		pop, err := strconv.Atoi(get("population"))
		if err != nil || pop < 0 {
			return fmt.Errorf("population %q is not a count", get("population"))
		}
		lat, lon, err := position(get, "lat", "lon")
		if err != nil {
			return err
		}
		out = append(out, Place{ID: get("geonameid"), Name: get("name"), Population: pop, Lat: lat, Lon: lon})
		return nil
	})
	return out, err
}

// ReadPlants reads the Global Power Plant Database's rows (columns name,
// gppd_idnr, capacity_mw, latitude, longitude, primary_fuel).
func ReadPlants(path string) ([]Plant, error) {
	var out []Plant
	err := table(path, []string{"name", "gppd_idnr", "capacity_mw", "latitude", "longitude", "primary_fuel"}, func(get func(string) string) error {
		mw, err := number(get, "capacity_mw")
		if err != nil {
			return err
		}
		lat, lon, err := position(get, "latitude", "longitude")
		if err != nil {
			return err
		}
		out = append(out, Plant{ID: get("gppd_idnr"), Name: get("name"), Fuel: get("primary_fuel"), CapacityMW: mw, Lat: lat, Lon: lon})
		return nil
	})
	return out, err
}
