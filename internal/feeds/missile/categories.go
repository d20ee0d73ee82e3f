package missile

import (
	"maps"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// Weapon classes, written to Fields["weapon_class"]. They follow the
// category (and, for drones, the type) of missiles_and_uavs.csv, the data
// set's reference table of weapons.
const (
	ClassCruise         = "cruise missile"
	ClassBallistic      = "ballistic missile"
	ClassAeroballistic  = "aeroballistic missile"
	ClassSurfaceToAir   = "surface-to-air missile"
	ClassMissile        = "missile" // of unknown kind
	ClassBomb           = "guided bomb"
	ClassLoitering      = "loitering munition"
	ClassAttackUAV      = "attack UAV"
	ClassArmedUAV       = "armed reconnaissance UAV"
	ClassUAV            = "UAV" // of unknown kind
	ClassReconnaissance = "reconnaissance UAV"
)

// weapon is one model's default type and class.
type weapon struct {
	typ   string
	class string
}

// weapons is the default table, model → type, built from the categories of
// missiles_and_uavs.csv for every single model it lists, plus the models
// the attacks file uses that it does not list (Aerial Bomb, Картограф,
// Привет-82). Compound models ("X-101/X-555 and Kalibr") are not listed:
// the first part the table knows decides (reading.category).
//
// Choices: missiles of every kind, including S-300/S-400 surface-to-air
// missiles fired at ground targets, are missile_strike; guided and aerial
// bombs are air_strike; loitering munitions, attack drones, armed
// reconnaissance drones (Orion, Mohajer-6) and drones of unknown kind are
// drone_strike (the Air Force counts them with the attack drones);
// reconnaissance drones (Orlan, ZALA, Supercam, …) are "other": they are
// airspace violations, not strikes, and a trigger on strikes should not
// fire on them. Override with feeds.Options.Categories["missile"].
// Фенікс, used once, is in neither table and reads as unmapped.
var weapons = map[string]weapon{
	// Cruise missiles.
	"3M22 Zircon":     {feeds.TypeMissileStrike, ClassCruise},
	"Banderol":        {feeds.TypeMissileStrike, ClassCruise},
	"Iskander-K":      {feeds.TypeMissileStrike, ClassCruise},
	"Kalibr":          {feeds.TypeMissileStrike, ClassCruise},
	"P-800 Oniks":     {feeds.TypeMissileStrike, ClassCruise},
	"X-101/X-555":     {feeds.TypeMissileStrike, ClassCruise},
	"X-22":            {feeds.TypeMissileStrike, ClassCruise},
	"X-31":            {feeds.TypeMissileStrike, ClassCruise},
	"X-31P":           {feeds.TypeMissileStrike, ClassCruise},
	"X-31PD":          {feeds.TypeMissileStrike, ClassCruise},
	"X-32":            {feeds.TypeMissileStrike, ClassCruise},
	"X-35":            {feeds.TypeMissileStrike, ClassCruise},
	"X-59":            {feeds.TypeMissileStrike, ClassCruise},
	"X-59/X-69":       {feeds.TypeMissileStrike, ClassCruise},
	"X-59MK2":         {feeds.TypeMissileStrike, ClassCruise},
	"X-69":            {feeds.TypeMissileStrike, ClassCruise},
	"Unknown Missile": {feeds.TypeMissileStrike, ClassMissile},
	// Ballistic and aeroballistic missiles.
	"Ballistic Missile":                  {feeds.TypeMissileStrike, ClassBallistic},
	"Intercontinental Ballistic Missile": {feeds.TypeMissileStrike, ClassBallistic},
	"Iskander-M":                         {feeds.TypeMissileStrike, ClassBallistic},
	"Iskander-M/KN-23":                   {feeds.TypeMissileStrike, ClassBallistic},
	"KN-23":                              {feeds.TypeMissileStrike, ClassBallistic},
	"X-47 Kinzhal":                       {feeds.TypeMissileStrike, ClassAeroballistic},
	// Surface-to-air missiles used against ground targets.
	"C-300":       {feeds.TypeMissileStrike, ClassSurfaceToAir},
	"C-400":       {feeds.TypeMissileStrike, ClassSurfaceToAir},
	"C-300/C-400": {feeds.TypeMissileStrike, ClassSurfaceToAir},
	// Bombs.
	"GBU":         {feeds.TypeAirStrike, ClassBomb},
	"Aerial Bomb": {feeds.TypeAirStrike, ClassBomb},
	// Attack drones.
	"Shahed-136/131": {feeds.TypeDroneStrike, ClassLoitering},
	"Lancet":         {feeds.TypeDroneStrike, ClassLoitering},
	"Kub":            {feeds.TypeDroneStrike, ClassLoitering},
	"Молнія":         {feeds.TypeDroneStrike, ClassAttackUAV},
	"Привет-82":      {feeds.TypeDroneStrike, ClassAttackUAV},
	"Orion":          {feeds.TypeDroneStrike, ClassArmedUAV},
	"Mohajer-6":      {feeds.TypeDroneStrike, ClassArmedUAV},
	"Unknown UAV":    {feeds.TypeDroneStrike, ClassUAV},
	// Reconnaissance drones.
	"Eleron":             {feeds.TypeOther, ClassReconnaissance},
	"Forpost":            {feeds.TypeOther, ClassReconnaissance},
	"Granat-4":           {feeds.TypeOther, ClassReconnaissance},
	"Merlin-VR":          {feeds.TypeOther, ClassReconnaissance},
	"Orlan-10":           {feeds.TypeOther, ClassReconnaissance},
	"Orlan-30":           {feeds.TypeOther, ClassReconnaissance},
	"Reconnaissance UAV": {feeds.TypeOther, ClassReconnaissance},
	"Supercam":           {feeds.TypeOther, ClassReconnaissance},
	"ZALA":               {feeds.TypeOther, ClassReconnaissance},
	"Картограф":          {feeds.TypeOther, ClassReconnaissance},
}

// defaults is weapons as the model → type table feeds.Category takes.
var defaults = func() map[string]string {
	m := make(map[string]string, len(weapons))
	for k, w := range weapons {
		m[k] = w.typ
	}
	return m
}()

// DefaultCategories returns a copy of the default table, model → backstop
// incident type.
func DefaultCategories() map[string]string { return maps.Clone(defaults) }

// WeaponClass returns the class of a model in the default table ("" when
// the table does not list it).
func WeaponClass(model string) string { return weapons[model].class }
