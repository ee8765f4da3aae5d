/*
 * dq-gen - write deterministic, deliberately messy synthetic person records.
 *
 * Why: every dq program needs input that looks like a real export from a
 * CRM or a sign-up form -- names typed in capitals, phones in a dozen
 * shapes, dates in three national orders, null tokens, numbers with
 * currency signs, duplicates of one person with typos -- together with the
 * answer key for the duplicates, so that tests and benchmarks measure
 * something.  Real data cannot be shipped; this program makes it up, the
 * same way every time.
 *
 * How: a person (the entity) is a handful of facts held as small integers:
 * indexes into the embedded name, street and city tables, a date of birth,
 * the digits of a phone number, an e-mail pattern.  Each output record
 * renders one person, choosing one of the many ways a person would have
 * typed each field and planting messiness at fixed rates (the numbers in
 * per10k() calls are chances out of 10000).  A share of the records
 * (--dup-rate) re-renders a person seen earlier after perturbing it the way
 * duplicates differ in practice: typos (transposition, deletion,
 * substitution, insertion), a nickname, first and last name swapped, day
 * and month transposed, fields missing, another e-mail or phone, a move.
 * Households -- a new person sharing the surname, address and often the
 * phone of an earlier one -- are planted as near misses that are NOT
 * duplicates.  The truth file maps each record id to its entity.
 *
 * Randomness: xoshiro256** seeded through splitmix64, bounded integers by
 * D. Lemire's multiply-and-reject method (base/rng.h has the references).
 * Only integer arithmetic decides what is written, so the output is the
 * same on every platform.  Record i never depends on -n or on the output
 * format: the first k records of a longer run equal a run of k, and the CSV
 * and NDJSON outputs hold the same values.  Calendar arithmetic follows
 * H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (2013).
 *
 * Memory: earlier persons are remembered in a ring of the last RING of
 * them, from which duplicates and households are drawn; the one thing that
 * grows is the set of e-mail addresses handed out (about 50 bytes a
 * person: 57 MB for a million records), which keeps two people from
 * sharing an address.  Output is built in one buffer and handed to
 * fwrite() a megabyte at a time.
 *
 * Limits: the lists are small (a few hundred names each) and skewed toward
 * their heads rather than weighted by real frequencies; the case mapping
 * used for ALL CAPS covers ASCII, Latin-1, Latin Extended-A and the
 * Vietnamese letters, which is all the tables use; phone numbers are shaped
 * after each country's numbering plan but not checked against it.
 */
#include "base/keyset.h"
#include "base/rng.h"
#include "base/util.h"
#include "cli/opt.h"
#include "cli/run.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define RING 65536
#define FLUSH_AT (1u << 20)

static const char usage_text[] =
	"usage: dq-gen [-n ROWS] [--seed N] [--format ndjson|csv]\n"
	"              [--dup-rate R] [--truth FILE]\n"
	"       dq-gen -h | --help | --version\n"
	"\n"
	"Write ROWS synthetic, deliberately messy person records to standard\n"
	"output, the same bytes for the same seed and options.  A share of the\n"
	"records are near-duplicates of an earlier person; --truth writes the\n"
	"answer key.\n"
	"\n"
	"  -n, --rows ROWS       number of records (default 1000)\n"
	"  -s, --seed N          seed, 0 to 18446744073709551615 (default 1)\n"
	"  -f, --format FMT      ndjson (default) or csv (RFC 4180, header)\n"
	"  -d, --dup-rate R      share of records that re-describe an earlier\n"
	"                        person, 0 to 1 (default 0.1)\n"
	"  -t, --truth FILE      write \"id<TAB>entity_id\" lines to FILE\n"
	"  -h, --help            show this help and exit\n"
	"      --version         show the version and exit\n"
	"\n"
	"Fields, in this order: id first_name last_name email phone dob street\n"
	"city state zip country signup_ts score account active notes.\n"
	"Households (same surname, address, phone; another first name) are\n"
	"different entities.\n"
	"\n"
	"Exit status: 0 success (also when the reader of a pipe goes away),\n"
	"2 usage error or write error.\n";

/* --- Random numbers ---------------------------------------------------- */

static struct dq_rng rng;

static inline uint64_t
next64(void)
{
	return dq_rng_next(&rng);
}

static inline uint32_t
below(uint32_t n)
{
	return dq_rng_below(&rng, n);
}

/* True with a chance of n in 10000. */
static inline int
per10k(uint32_t n)
{
	return below(10000) < n;
}

/* An index in [0, n) skewed toward 0, as name frequencies are. */
static uint32_t
skewed(uint32_t n)
{
	uint32_t a = below(n), b = below(n);

	return a < b ? a : b;
}

/* An index into w[0..n) chosen with the weights in w. */
static int
weighted(const unsigned short *w, int n)
{
	uint32_t sum = 0, r;
	int i;

	for (i = 0; i < n; i++)
		sum += w[i];
	r = below(sum);
	for (i = 0; i < n - 1; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

#define PICK(a) ((a)[below(NELEM(a))])
#define WEIGHTED(w) weighted((w), (int)NELEM(w))

/* --- Embedded tables ---------------------------------------------------- */

/*
 * First names of several cultures with their common nicknames ("|"-
 * separated).  Written for dq; the head of the list is drawn most often.
 */
struct first_name {
	const char *name;
	const char *nicks;
};

static const struct first_name firsts[] = {
	{ "James", "Jim|Jimmy|Jamie" }, { "Mary", "Molly|Polly" },
	{ "Robert", "Bob|Rob|Bobby" }, { "Jennifer", "Jen|Jenny" },
	{ "John", "Jack|Johnny" }, { "Patricia", "Pat|Patty|Trish" },
	{ "Michael", "Mike|Mikey|Mick" }, { "Elizabeth", "Liz|Beth|Betty" },
	{ "William", "Bill|Will|Billy|Liam" }, { "Linda", NULL },
	{ "David", "Dave|Davey" }, { "Barbara", "Barb|Babs" },
	{ "Richard", "Rick|Rich|Dick" }, { "Susan", "Sue|Susie" },
	{ "Joseph", "Joe|Joey" }, { "Jessica", "Jess|Jessie" },
	{ "Thomas", "Tom|Tommy" }, { "Sarah", NULL },
	{ "Charles", "Charlie|Chuck" }, { "Karen", NULL },
	{ "Christopher", "Chris|Topher" }, { "Nancy", NULL },
	{ "Daniel", "Dan|Danny" }, { "Margaret", "Peggy|Maggie|Meg" },
	{ "Matthew", "Matt" }, { "Lisa", NULL },
	{ "Anthony", "Tony" }, { "Katherine", "Kate|Kathy|Katie" },
	{ "José", "Pepe" }, { "María", NULL },
	{ "Andrew", "Andy|Drew" }, { "Ashley", NULL },
	{ "Joshua", "Josh" }, { "Emily", "Em|Emmy" },
	{ "Benjamin", "Ben|Benny" }, { "Deborah", "Deb|Debbie" },
	{ "Samuel", "Sam|Sammy" }, { "Rebecca", "Becky|Becca" },
	{ "Alexander", "Alex|Sasha" }, { "Victoria", "Vicky|Tori" },
	{ "Nicholas", "Nick|Nicky" }, { "Catherine", "Cathy|Cate" },
	{ "Jonathan", "Jon" }, { "Laura", NULL },
	{ "Edward", "Ed|Eddie|Ted|Ned" }, { "Rachel", NULL },
	{ "Steven", "Steve" }, { "Stephen", "Steve" },
	{ "Timothy", "Tim" }, { "Kimberly", "Kim" },
	{ "Patrick", "Pat|Paddy" }, { "Jacqueline", "Jackie" },
	{ "Gregory", "Greg" }, { "Abigail", "Abby" },
	{ "Kenneth", "Ken|Kenny" }, { "Samantha", "Sam" },
	{ "Ronald", "Ron|Ronnie" }, { "Dorothy", "Dot|Dottie" },
	{ "Donald", "Don|Donnie" }, { "Pamela", "Pam" },
	{ "Lawrence", "Larry" }, { "Cynthia", "Cindy" },
	{ "Frederick", "Fred|Freddie" }, { "Judith", "Judy" },
	{ "Theodore", "Ted|Teddy|Theo" }, { "Theresa", "Terry|Tess" },
	{ "Peter", "Pete" }, { "Frances", "Fran|Frankie" },
	{ "Raymond", "Ray" }, { "Caroline", "Carrie" },
	{ "Gerald", "Gerry|Jerry" }, { "Josephine", "Jo|Josie" },
	{ "Alexandra", "Alex|Lexi" }, { "Christine", "Chris|Chrissy" },
	{ "Ann", "Annie" }, { "Madison", "Maddie" },
	{ "Olivia", "Liv" }, { "Sophia", "Sophie" },
	{ "Isabella", "Bella|Izzy" }, { "Emma", NULL },
	{ "Ava", NULL }, { "Mia", NULL }, { "Charlotte", "Lottie" },
	{ "Amelia", "Millie" }, { "Harper", NULL }, { "Evelyn", "Evie" },
	{ "Grace", NULL }, { "Chloe", NULL }, { "Megan", "Meg" },
	{ "Hannah", NULL }, { "Lauren", NULL }, { "Brian", NULL },
	{ "Kevin", NULL }, { "Jason", NULL }, { "Ryan", NULL },
	{ "Jacob", "Jake" }, { "Tyler", NULL }, { "Brandon", NULL },
	{ "Kyle", NULL }, { "Eric", NULL }, { "Scott", NULL },
	{ "Mark", NULL }, { "Paul", NULL }, { "George", NULL },
	{ "Henry", "Hank|Harry" }, { "Oliver", "Ollie" }, { "Noah", NULL },
	{ "Ethan", NULL }, { "Logan", NULL }, { "Dylan", NULL },
	{ "Connor", NULL }, { "Seán", NULL }, { "Siobhán", NULL },
	{ "Niamh", NULL }, { "Aoife", NULL }, { "Ciarán", NULL },
	{ "Jesús", "Chuy" }, { "Francisco", "Paco|Pancho" },
	{ "Guadalupe", "Lupe" }, { "Ignacio", "Nacho" },
	{ "Alejandro", "Alex|Ale" }, { "Enrique", "Quique" },
	{ "Manuel", "Manolo" }, { "Dolores", "Lola" },
	{ "Juan", NULL }, { "Luis", NULL }, { "Carlos", NULL },
	{ "Javier", NULL }, { "Miguel", NULL }, { "Sofía", NULL },
	{ "Lucía", NULL }, { "Valentina", "Vale" }, { "Camila", NULL },
	{ "Ana", NULL }, { "Ximena", NULL }, { "Mateo", NULL },
	{ "Santiago", "Santi" }, { "Diego", NULL }, { "Andrés", NULL },
	{ "Raúl", NULL }, { "Inés", NULL }, { "Joaquín", NULL },
	{ "João", NULL }, { "Gonçalo", NULL },
	{ "Jürgen", NULL }, { "Günter", NULL }, { "Jörg", NULL },
	{ "Lukas", NULL }, { "Maximilian", "Max" },
	{ "Johannes", "Hans|Jo" }, { "Wolfgang", "Wolf" },
	{ "Stefan", NULL }, { "Andreas", NULL },
	{ "Katharina", "Kathi|Katja" }, { "Susanne", "Susi" },
	{ "Ursula", "Uschi" }, { "Friedrich", "Fritz" },
	{ "Heinrich", "Heinz" }, { "Käthe", NULL }, { "Lena", NULL },
	{ "Leonie", NULL }, { "Dieter", NULL },
	{ "François", NULL }, { "Françoise", NULL }, { "Zoë", NULL },
	{ "Chloé", NULL }, { "Hélène", NULL }, { "Léa", NULL },
	{ "Noémie", NULL }, { "Amélie", NULL }, { "Céline", NULL },
	{ "Renée", NULL }, { "Jérôme", NULL }, { "Stéphane", NULL },
	{ "Benoît", NULL }, { "Théo", NULL }, { "Gaëlle", NULL },
	{ "Anaïs", NULL }, { "Élodie", NULL }, { "Agnès", NULL },
	{ "Pierre", NULL }, { "Jean-Pierre", "JP" },
	{ "Marie-Claire", NULL }, { "Jean-Luc", NULL },
	{ "Łukasz", NULL }, { "Paweł", NULL }, { "Michał", NULL },
	{ "Wojciech", "Wojtek" }, { "Małgorzata", "Gosia" },
	{ "Agnieszka", "Aga" }, { "Katarzyna", "Kasia" },
	{ "Krzysztof", NULL }, { "Tomasz", "Tomek" }, { "Zofia", "Zosia" },
	{ "Grzegorz", NULL }, { "Jiří", NULL }, { "Tomáš", NULL },
	{ "Jakub", "Kuba" },
	{ "Øyvind", NULL }, { "Bjørn", NULL }, { "Søren", NULL },
	{ "Åsa", NULL }, { "Ingrid", NULL }, { "Sigrid", NULL },
	{ "Astrid", NULL }, { "Lars", NULL }, { "Nils", NULL },
	{ "Kjell", NULL }, { "Magnus", NULL }, { "Håkon", NULL },
	{ "Sven", NULL }, { "Björn", NULL }, { "Linnéa", NULL },
	{ "Mikael", NULL }, { "Jørgen", NULL },
	{ "Minh", NULL }, { "Thảo", NULL }, { "Hương", NULL },
	{ "Trang", NULL }, { "Linh", NULL }, { "Anh", NULL },
	{ "Tuấn", NULL }, { "Dũng", NULL }, { "Phương", NULL },
	{ "Quang", NULL }, { "Huy", NULL }, { "Thanh", NULL },
	{ "Hoa", NULL }, { "Mai", NULL }, { "Đức", NULL },
	{ "Wei", NULL }, { "Fang", NULL }, { "Jing", NULL }, { "Li", NULL },
	{ "Xiaoming", NULL }, { "Yan", NULL }, { "Jun", NULL },
	{ "Hui", NULL }, { "Lei", NULL }, { "Ying", NULL }, { "Xin", NULL },
	{ "Mei", NULL }, { "Hao", NULL },
	{ "Aarav", NULL }, { "Priya", NULL }, { "Rahul", NULL },
	{ "Ananya", NULL }, { "Vikram", "Vik" }, { "Deepika", NULL },
	{ "Arjun", NULL }, { "Sanjay", NULL }, { "Lakshmi", NULL },
	{ "Rohan", NULL }, { "Aditi", NULL }, { "Sunita", NULL },
	{ "Venkatesh", "Venky" }, { "Srinivas", "Srini" },
	{ "Mohammed", "Mo" }, { "Muhammad", NULL }, { "Ahmed", NULL },
	{ "Fatima", NULL }, { "Aisha", NULL }, { "Omar", NULL },
	{ "Yusuf", NULL }, { "Layla", NULL }, { "Mustafa", NULL },
	{ "Zeynep", NULL }, { "Emre", NULL }, { "Ayşe", NULL },
	{ "Mehmet", NULL }, { "Çağla", NULL }, { "Ibrahim", NULL },
	{ "Chinedu", NULL }, { "Ngozi", NULL }, { "Oluwaseun", "Seun" },
	{ "Adebayo", "Bayo" }, { "Kwame", NULL }, { "Ama", NULL },
	{ "Kofi", NULL }, { "Amara", NULL }, { "Chiamaka", "Amaka" },
	{ "Tendai", NULL }, { "Thabo", NULL }, { "Nomvula", NULL },
	{ "Haruto", NULL }, { "Yuki", NULL }, { "Sakura", NULL },
	{ "Hiroshi", NULL }, { "Kenji", NULL }, { "Aiko", NULL },
	{ "Min-jun", NULL }, { "Ji-woo", NULL }, { "Seo-yeon", NULL },
	{ "Hyun-woo", NULL },
	{ "Giuseppe", "Beppe|Peppe" }, { "Giovanni", "Gianni" },
	{ "Francesca", "Franca" }, { "Alessandro", "Sandro" },
	{ "Lorenzo", "Enzo" }, { "Chiara", NULL }, { "Giulia", NULL },
	{ "Marco", NULL }, { "Luca", NULL }, { "Niccolò", NULL },
	{ "Aleksandr", "Sasha" }, { "Dmitri", "Dima" },
	{ "Ekaterina", "Katya" }, { "Natalia", "Natasha" },
	{ "Ivan", "Vanya" }, { "Mikhail", "Misha" },
	{ "Tatiana", "Tanya" }, { "Yelena", "Lena" }, { "Olga", NULL },
};

/* Surnames; particles and apostrophes kept as people write them. */
static const char *const lasts[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
	"Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez",
	"Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson",
	"Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
	"Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
	"King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
	"Mitchell", "Carter", "Roberts", "Nguyễn", "Müller", "Schmidt",
	"Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
	"Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein",
	"Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "O'Brien",
	"O'Connor", "O'Neill", "McDonald", "MacDonald", "McCarthy", "Murphy",
	"Kelly", "Walsh", "Byrne", "Ryan", "van der Berg", "van Dijk",
	"de Jong", "de Vries", "Jansen", "Bakker", "Visser", "Bernard",
	"Dubois", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
	"Simon", "Laurent", "Lefèvre", "Michel", "García", "Fernández",
	"González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
	"Gómez", "Díaz", "Nowak", "Kowalski", "Wiśniewski", "Wójcik",
	"Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański",
	"Woźniak", "Dvořák", "Hansen", "Johansen", "Olsen", "Larsen",
	"Andersen", "Pedersen", "Nilsen", "Jensen", "Berg", "Haugen",
	"Johansson", "Karlsson", "Andersson", "Lindqvist", "Ødegård",
	"Sørensen", "Østergaard", "Tran", "Le", "Pham", "Hoang", "Huynh",
	"Phan", "Vu", "Dang", "Trần", "Lê", "Phạm", "Wang", "Li", "Zhang",
	"Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Kim", "Park",
	"Choi", "Jung", "Kang", "Patel", "Shah", "Singh", "Kumar", "Sharma",
	"Gupta", "Reddy", "Iyer", "Khan", "Ahmed", "Hassan", "Ali",
	"Hussein", "Ibrahim", "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik",
	"Öztürk", "Okafor", "Adeyemi", "Okonkwo", "Mensah", "Tanaka",
	"Suzuki", "Sato", "Takahashi", "Watanabe", "Rossi", "Russo",
	"Ferrari", "Esposito", "Bianchi", "Romano", "Ivanov", "Smirnov",
	"Popov", "Kuznetsov", "Silva", "Santos", "Oliveira", "Souza",
	"Pereira", "Costa", "Fitzgerald", "St. John", "Smith-Jones",
	"D'Angelo", "DiMaggio", "LeBlanc", "Dupont", "De La Cruz",
	"Van Buren", "von Braun", "Al-Rashid", "Ben-David", "Mac Giolla",
};

static const char *const titles[] = { "Dr. ", "Mr. ", "Mrs. ", "Ms. ",
	"Prof. " };
static const char *const suffixes[] = { " Jr.", " Sr.", " III", " II",
	", Jr.", " PhD" };

enum { C_US, C_GB, C_DE, C_FR, NCOUNTRY };

struct city {
	const char *name;
	const char *state;  /* US: USPS code; elsewhere: region or NULL */
	unsigned zip_lo;    /* numeric postcodes: first of the range */
	unsigned zip_span;  /* numeric postcodes: size of the range */
	const char *area;   /* phone area codes, "|"-separated */
	const char *post;   /* UK: outward codes, "|"-separated */
	const char *lead;   /* allowed first subscriber digits; NULL: 2-9 */
};

static const struct city us_cities[] = {
	{ "New York", "NY", 10001, 290, "212|646|718|917", NULL, NULL },
	{ "Los Angeles", "CA", 90001, 90, "213|310|323", NULL, NULL },
	{ "Chicago", "IL", 60601, 60, "312|773", NULL, NULL },
	{ "Houston", "TX", 77001, 99, "713|832", NULL, NULL },
	{ "Phoenix", "AZ", 85001, 60, "602|480", NULL, NULL },
	{ "Philadelphia", "PA", 19102, 50, "215|267", NULL, NULL },
	{ "San Antonio", "TX", 78201, 60, "210", NULL, NULL },
	{ "San Diego", "CA", 92101, 80, "619|858", NULL, NULL },
	{ "Dallas", "TX", 75201, 70, "214|469", NULL, NULL },
	{ "San Jose", "CA", 95110, 50, "408", NULL, NULL },
	{ "Austin", "TX", 78701, 60, "512", NULL, NULL },
	{ "Jacksonville", "FL", 32202, 50, "904", NULL, NULL },
	{ "San Francisco", "CA", 94102, 60, "415|628", NULL, NULL },
	{ "Columbus", "OH", 43201, 40, "614", NULL, NULL },
	{ "Seattle", "WA", 98101, 99, "206", NULL, NULL },
	{ "Denver", "CO", 80202, 50, "303|720", NULL, NULL },
	{ "Boston", "MA", 2108, 90, "617|857", NULL, NULL },
	{ "Cambridge", "MA", 2138, 4, "617", NULL, NULL },
	{ "Worcester", "MA", 1601, 10, "508", NULL, NULL },
	{ "Providence", "RI", 2903, 10, "401", NULL, NULL },
	{ "Hartford", "CT", 6103, 12, "860", NULL, NULL },
	{ "New Haven", "CT", 6510, 10, "203", NULL, NULL },
	{ "Newark", "NJ", 7102, 12, "973", NULL, NULL },
	{ "Jersey City", "NJ", 7302, 8, "201", NULL, NULL },
	{ "Portland", "ME", 4101, 3, "207", NULL, NULL },
	{ "Burlington", "VT", 5401, 8, "802", NULL, NULL },
	{ "Manchester", "NH", 3101, 9, "603", NULL, NULL },
	{ "Nashville", "TN", 37201, 40, "615", NULL, NULL },
	{ "Detroit", "MI", 48201, 40, "313", NULL, NULL },
	{ "Portland", "OR", 97201, 30, "503", NULL, NULL },
	{ "Las Vegas", "NV", 89101, 60, "702", NULL, NULL },
	{ "Memphis", "TN", 38103, 30, "901", NULL, NULL },
	{ "Baltimore", "MD", 21201, 30, "410", NULL, NULL },
	{ "Milwaukee", "WI", 53202, 30, "414", NULL, NULL },
	{ "Albuquerque", "NM", 87101, 20, "505", NULL, NULL },
	{ "Atlanta", "GA", 30303, 40, "404|678", NULL, NULL },
	{ "Miami", "FL", 33125, 50, "305|786", NULL, NULL },
	{ "Minneapolis", "MN", 55401, 20, "612", NULL, NULL },
	{ "New Orleans", "LA", 70112, 20, "504", NULL, NULL },
	{ "Salt Lake City", "UT", 84101, 20, "801", NULL, NULL },
	{ "St. Louis", "MO", 63101, 40, "314", NULL, NULL },
	{ "Honolulu", "HI", 96813, 10, "808", NULL, NULL },
	{ "Anchorage", "AK", 99501, 10, "907", NULL, NULL },
	{ "Washington", "DC", 20001, 40, "202", NULL, NULL },
	{ "Brooklyn", "NY", 11201, 40, "718|347", NULL, NULL },
	{ "Pittsburgh", "PA", 15201, 30, "412", NULL, NULL },
};

static const struct city gb_cities[] = {
	{ "London", "Greater London", 0, 0, "20", "SW1A|W1D|EC1A|N1|E14|SE1",
	  "378" },
	{ "Manchester", "Greater Manchester", 0, 0, "161", "M1|M4|M14", "234" },
	{ "Birmingham", "West Midlands", 0, 0, "121", "B1|B5|B15", "234" },
	{ "Leeds", "West Yorkshire", 0, 0, "113", "LS1|LS6", "234" },
	{ "Glasgow", "Scotland", 0, 0, "141", "G1|G12", "234" },
	{ "Edinburgh", "Scotland", 0, 0, "131", "EH1|EH8", "234" },
	{ "Bristol", "England", 0, 0, "117", "BS1|BS8", "234" },
	{ "Liverpool", "Merseyside", 0, 0, "151", "L1|L8", "234" },
	{ "Cardiff", "Wales", 0, 0, "29", "CF10|CF24", "2" },
	{ "Belfast", "Northern Ireland", 0, 0, "28", "BT1|BT7", "234" },
};

static const struct city de_cities[] = {
	{ "Berlin", "Berlin", 10115, 4000, "30", NULL, NULL },
	{ "Hamburg", "Hamburg", 20095, 2600, "40", NULL, NULL },
	{ "München", "Bayern", 80331, 1500, "89", NULL, NULL },
	{ "Köln", "Nordrhein-Westfalen", 50667, 480, "221", NULL, NULL },
	{ "Frankfurt am Main", "Hessen", 60306, 300, "69", NULL, NULL },
	{ "Stuttgart", "Baden-Württemberg", 70173, 460, "711", NULL, NULL },
	{ "Düsseldorf", "Nordrhein-Westfalen", 40210, 420, "211", NULL, NULL },
	{ "Leipzig", "Sachsen", 4103, 250, "341", NULL, NULL },
	{ "Dresden", "Sachsen", 1067, 260, "351", NULL, NULL },
	{ "Nürnberg", "Bayern", 90402, 90, "911", NULL, NULL },
};

static const struct city fr_cities[] = {
	{ "Paris", "Île-de-France", 75001, 20, "1", NULL, NULL },
	{ "Marseille", "Provence-Alpes-Côte d'Azur", 13001, 16, "4", NULL, NULL },
	{ "Lyon", "Auvergne-Rhône-Alpes", 69001, 9, "4", NULL, NULL },
	{ "Toulouse", "Occitanie", 31000, 500, "5", NULL, NULL },
	{ "Nice", "Provence-Alpes-Côte d'Azur", 6000, 300, "4", NULL, NULL },
	{ "Nantes", "Pays de la Loire", 44000, 300, "2", NULL, NULL },
	{ "Strasbourg", "Grand Est", 67000, 200, "3", NULL, NULL },
	{ "Montpellier", "Occitanie", 34000, 100, "4", NULL, NULL },
	{ "Bordeaux", "Nouvelle-Aquitaine", 33000, 300, "5", NULL, NULL },
	{ "Lille", "Hauts-de-France", 59000, 100, "3", NULL, NULL },
};

static const struct city *const cities[NCOUNTRY] = { us_cities, gb_cities,
	de_cities, fr_cities };
static const unsigned ncities[NCOUNTRY] = { NELEM(us_cities),
	NELEM(gb_cities), NELEM(de_cities), NELEM(fr_cities) };

struct state {
	const char *code;
	const char *name;
};

static const struct state states[] = {
	{ "AK", "Alaska" }, { "AZ", "Arizona" }, { "CA", "California" },
	{ "CO", "Colorado" }, { "CT", "Connecticut" },
	{ "DC", "District of Columbia" }, { "FL", "Florida" },
	{ "GA", "Georgia" }, { "HI", "Hawaii" }, { "IL", "Illinois" },
	{ "LA", "Louisiana" }, { "MA", "Massachusetts" },
	{ "MD", "Maryland" }, { "ME", "Maine" }, { "MI", "Michigan" },
	{ "MN", "Minnesota" }, { "MO", "Missouri" }, { "NH", "New Hampshire" },
	{ "NJ", "New Jersey" }, { "NM", "New Mexico" }, { "NV", "Nevada" },
	{ "NY", "New York" }, { "OH", "Ohio" }, { "OR", "Oregon" },
	{ "PA", "Pennsylvania" }, { "RI", "Rhode Island" },
	{ "TN", "Tennessee" }, { "TX", "Texas" }, { "UT", "Utah" },
	{ "VT", "Vermont" }, { "WA", "Washington" }, { "WI", "Wisconsin" },
};

static const char *const us_streets[] = {
	"Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake",
	"Hill", "Park", "First", "Second", "Third", "Broadway", "Sunset",
	"Highland", "Church", "Market", "Mission", "Lincoln", "Jefferson",
	"Madison", "Franklin", "Walnut", "Chestnut", "Spring", "River",
	"Meadow", "Valencia", "Dolores", "Martin Luther King Jr", "Ocean",
	"Forest", "Willow", "Jackson", "Adams", "Center", "Union", "Prospect",
	"Cherry", "Magnolia", "Peachtree", "Bayou", "Saint Charles",
};

/* Street suffixes: full form, then the USPS abbreviation. */
static const char *const us_suffix[][2] = {
	{ "Street", "St" }, { "Avenue", "Ave" }, { "Road", "Rd" },
	{ "Boulevard", "Blvd" }, { "Drive", "Dr" }, { "Lane", "Ln" },
	{ "Court", "Ct" }, { "Place", "Pl" }, { "Way", "Way" },
	{ "Terrace", "Ter" },
};

static const char *const gb_streets[] = {
	"High Street", "Church Road", "Station Road", "Victoria Road",
	"Green Lane", "Manor Road", "Park Avenue", "Queen's Road",
	"King Street", "Mill Lane", "The Crescent", "Albert Terrace",
};

static const char *const de_streets[] = {
	"Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Goethestraße",
	"Gartenstraße", "Schulstraße", "Lindenallee", "Am Markt",
	"Kirchweg", "Friedrichstraße", "Müllerstraße", "Königsallee",
};

static const char *const fr_streets[] = {
	"rue de la République", "avenue Victor Hugo", "boulevard Saint-Germain",
	"place Bellecour", "rue du Faubourg Saint-Honoré", "rue Nationale",
	"avenue Jean Jaurès", "rue de la Paix", "quai des Célestins",
	"chemin des Écoliers",
};

static const char *const months[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };

static const char *const short_notes[] = {
	"prefers email", "VIP", "VIP customer", "call after 5pm",
	"moved from Boston", "duplicate?", "possible duplicate of earlier",
	"wrong number", "Do not contact", "do not call", "paid in full",
	"asked about refund, said \"later\"", "line one\nline two",
	"tab\tseparated", "comma, separated, note", "très bien 👍",
	"Grüße aus München", "日本語のメモ", "Ελληνικά σχόλια",
	"Привет, перезвонить", "📞 callback requested", "⭐⭐⭐⭐⭐",
	"C:\\Users\\export\\old.csv", "=SUM(A1:A9)", "@mention the team",
	"+1 for the newsletter", "-- see ticket #4411", "N/A", "null",
	"café owner", "señora, habla español", "Ødegård farm visit",
	"zero-width\u200bspace", "nbsp\u00a0here", "'single quotes'",
	"semi;colon;list", "<b>bold</b> & <i>italic</i>", "100% sure",
	"🎉🎂 birthday club", "emoji 😀 and text", "ok",
};

static const char *const note_words[] = {
	"customer", "called", "about", "the", "order", "and", "asked",
	"for", "a", "refund", "because", "delivery", "was", "late", "again",
	"address", "changed", "twice", "this", "year", "prefers", "email",
	"over", "phone", "follow", "up", "next", "week", "manager", "notes",
	"account", "merged", "from", "legacy", "system", "import", "batch",
	"café", "naïve", "résumé", "Straße", "Zürich", "São", "Paulo",
	"😀", "👍", "🚚", "✅", "—", "…", "«quoted»", "“curly”", "10%",
	"$25.00", "2019-04-01", "#A-1234", "re:", "fwd:", "urgent",
};

static const char *const email_tags[] = { "shop", "news", "work",
	"spam", "2019", "amazon", "promo", "x" };

/* E-mail domains per country, with weights. */
static const char *const us_domains[] = { "gmail.com", "yahoo.com",
	"hotmail.com", "outlook.com", "icloud.com", "aol.com", "comcast.net",
	"proton.me", "example.com", "example.org", "mail.example.net" };
static const unsigned short us_domain_w[] = { 38, 14, 10, 8, 7, 4, 3, 2,
	6, 4, 4 };
static const char *const gb_domains[] = { "gmail.com", "btinternet.com",
	"yahoo.co.uk", "hotmail.co.uk", "outlook.com", "example.co.uk" };
static const char *const de_domains[] = { "gmail.com", "gmx.de", "web.de",
	"t-online.de", "outlook.de", "example.de" };
static const char *const fr_domains[] = { "gmail.com", "orange.fr",
	"free.fr", "laposte.net", "hotmail.fr", "example.fr" };
static const char *const *const domains[NCOUNTRY] = { us_domains,
	gb_domains, de_domains, fr_domains };
static const unsigned short other_domain_w[] = { 35, 20, 15, 12, 10, 8 };

static const char *const null_tokens[] = { "", "N/A", "null", "-", "none",
	"NULL", "n/a", "None", "NA" };
static const unsigned short null_token_w[] = { 30, 15, 10, 10, 8, 7, 7, 3,
	3 };

/* --- Persons ------------------------------------------------------------ */

struct person {
	uint32_t entity;   /* 1-based entity number */
	uint16_t first;    /* index in firsts[] */
	uint16_t last;     /* index in lasts[] */
	int8_t nick;       /* -1: goes by the name; k: by nickname k */
	uint8_t country;   /* C_US... */
	uint8_t city;      /* index in cities[country] */
	uint8_t street;    /* index in the country's street list */
	uint8_t suffix;    /* US street suffix */
	uint8_t unit_kind; /* 0: no apartment */
	uint16_t unit;
	uint16_t house;
	uint32_t zip;      /* numeric postcode; UK: seed of the inward code */
	int16_t year;
	uint8_t month, day;
	char phone[12];    /* national significant number, digits */
	uint8_t email_pat;
	uint8_t email_dom;
	uint16_t email_num;
	uint16_t email_sfx; /* 0, or digits that make the address unique */
	uint32_t signup;   /* seconds since 2015-01-01T00:00:00Z */
	uint32_t score;    /* in cents */
	uint64_t account;
	uint8_t active;
};

static struct person *ring;
static uint64_t nborn; /* persons created so far (entities) */

/* Changes a duplicate makes to the way its person is written. */
struct dupmods {
	int typo_first, typo_last, swap;
	unsigned drop; /* bit i: field i is missing */
};

/* --- Text helpers ------------------------------------------------------- */

static char *first_ascii[NELEM(firsts)];
static char *last_ascii[NELEM(lasts)];

/* Decode the code point at s (length *n); invalid bytes count as one. */
static uint32_t
utf8_decode(const unsigned char *s, size_t len, int *n)
{
	if (s[0] < 0x80 || len < 2) {
		*n = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*n = 2;
		return ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if ((s[0] & 0xf0) == 0xe0 && len >= 3) {
		*n = 3;
		return ((uint32_t)(s[0] & 0x0f) << 12) |
		       ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	}
	if ((s[0] & 0xf8) == 0xf0 && len >= 4) {
		*n = 4;
		return 0x10000; /* Not needed in detail: no case, no folding. */
	}
	*n = 1;
	return s[0];
}

/* The lower-case ASCII a letter folds to, for e-mail addresses. */
static const char *
fold_cp(uint32_t c)
{
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
		"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",
		"o", "u", "u", "u", "u", "y", "th", "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
		"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",
		"o", "u", "u", "u", "u", "y", "th", "y",
	};
	/* Latin Extended-A, U+0100..U+017F, by runs of one base letter. */
	static const struct {
		uint16_t hi;
		const char *s;
	} exta[] = {
		{ 0x105, "a" }, { 0x10d, "c" }, { 0x111, "d" }, { 0x11b, "e" },
		{ 0x123, "g" }, { 0x127, "h" }, { 0x131, "i" }, { 0x133, "ij" },
		{ 0x135, "j" }, { 0x138, "k" }, { 0x142, "l" }, { 0x14b, "n" },
		{ 0x151, "o" }, { 0x153, "oe" }, { 0x159, "r" }, { 0x161, "s" },
		{ 0x167, "t" }, { 0x173, "u" }, { 0x175, "w" }, { 0x178, "y" },
		{ 0x17e, "z" }, { 0x17f, "s" },
	};
	size_t i;

	if (c < 0x80) {
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c >= 'a' && c <= 'z') {
			static char one[128][2];
			one[c][0] = (char)c;
			return one[c];
		}
		return "";
	}
	if (c >= 0xc0 && c <= 0xff)
		return latin1[c - 0xc0];
	if (c >= 0x100 && c <= 0x17f) {
		for (i = 0; i < NELEM(exta); i++)
			if (c <= exta[i].hi)
				return exta[i].s;
	}
	if (c == 0x1a0 || c == 0x1a1)
		return "o";
	if (c == 0x1af || c == 0x1b0)
		return "u";
	if (c >= 0x218 && c <= 0x219)
		return "s";
	if (c >= 0x1ea0 && c <= 0x1ef9) {
		if (c <= 0x1eb7)
			return "a";
		if (c <= 0x1ec7)
			return "e";
		if (c <= 0x1ecb)
			return "i";
		if (c <= 0x1ee3)
			return "o";
		if (c <= 0x1ef1)
			return "u";
		return "y";
	}
	return "";
}

/* A name folded to lower-case ASCII letters only: "O'Brien" -> "obrien". */
static char *
fold_name(const char *s)
{
	struct dq_buf b = DQ_BUF_INIT;
	size_t len = strlen(s), i = 0;
	int n;

	while (i < len) {
		uint32_t c = utf8_decode((const unsigned char *)s + i, len - i,
					 &n);
		dq_buf_addstr(&b, fold_cp(c));
		i += (size_t)n;
	}
	return dq_buf_detach(&b, NULL);
}

/* Encode c (below U+10000) at p; return the length. */
static int
utf8_encode(uint32_t c, char *p)
{
	if (c < 0x80) {
		p[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		p[0] = (char)(0xc0 | (c >> 6));
		p[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	p[0] = (char)(0xe0 | (c >> 12));
	p[1] = (char)(0x80 | ((c >> 6) & 0x3f));
	p[2] = (char)(0x80 | (c & 0x3f));
	return 3;
}

/*
 * The other case of c, or c.  Latin Extended-A pairs upper and lower
 * case on even/odd code points, except in U+0139..U+0148 and
 * U+0179..U+017E where the upper case is odd; Latin Extended Additional
 * pairs them even/odd throughout U+1EA0..U+1EFF (Unicode charts).
 */
static uint32_t
case_cp(uint32_t c, int upper)
{
	int is_upper;

	if (c < 0x80) {
		if (upper && c >= 'a' && c <= 'z')
			return c - 32;
		if (!upper && c >= 'A' && c <= 'Z')
			return c + 32;
		return c;
	}
	if (c >= 0xc0 && c <= 0xfe && c != 0xd7 && c != 0xf7 && c != 0xdf) {
		if (upper && c >= 0xe0)
			return c - 32;
		if (!upper && c < 0xe0)
			return c + 32;
		return c;
	}
	if (c >= 0x100 && c <= 0x17e && c != 0x130 && c != 0x131 &&
	    c != 0x138 && c != 0x149 && c != 0x178) {
		int odd_upper = (c >= 0x139 && c <= 0x148) || c >= 0x179;
		is_upper = (c & 1) == (uint32_t)odd_upper;
		if (upper && !is_upper)
			return odd_upper ? c - 1 : c - 1;
		if (!upper && is_upper)
			return c + 1;
		return c;
	}
	if ((c >= 0x1a0 && c <= 0x1a1) || (c >= 0x1ea0 && c <= 0x1eff)) {
		is_upper = !(c & 1);
		if (upper && !is_upper)
			return c - 1;
		if (!upper && is_upper)
			return c + 1;
		return c;
	}
	if (c == 0x1af || c == 0x1b0)
		return upper ? 0x1af : 0x1b0;
	return c;
}

/* Rewrite b in upper (upper=1) or lower case, in place. */
static void
set_case(struct dq_buf *b, int upper)
{
	size_t i = 0;
	int n;

	while (i < b->len) {
		unsigned char c0 = (unsigned char)b->buf[i];
		if (c0 < 0x80) {
			b->buf[i] = (char)case_cp(c0, upper);
			i++;
			continue;
		}
		uint32_t c = utf8_decode((unsigned char *)b->buf + i,
					 b->len - i, &n);
		uint32_t d = case_cp(c, upper);
		char enc[4];
		/* Every pair handled above encodes to the same length. */
		if (d != c && utf8_encode(d, enc) == n)
			memcpy(b->buf + i, enc, (size_t)n);
		i += (size_t)n;
	}
}

/* Byte offsets of the code points of b (at most max of them). */
static int
cp_offsets(const struct dq_buf *b, size_t *off, int max)
{
	size_t i = 0;
	int k = 0, n;

	while (i < b->len && k < max) {
		off[k++] = i;
		utf8_decode((unsigned char *)b->buf + i, b->len - i, &n);
		i += (size_t)n;
	}
	off[k] = i;
	return k;
}

/* Neighbours on a QWERTY keyboard, for substitution typos. */
static char
near_key(char c)
{
	static const char *const rows[] = { "qwertyuiop", "asdfghjkl",
		"zxcvbnm" };
	int lower = c >= 'a' && c <= 'z';
	char l = lower ? c : (char)(c + 32);
	size_t r;

	for (r = 0; r < NELEM(rows); r++) {
		const char *p = strchr(rows[r], l);
		if (p) {
			size_t i = (size_t)(p - rows[r]), n = strlen(rows[r]);
			char k = i == 0 ? rows[r][1] :
				 i == n - 1 ? rows[r][n - 2] :
				 rows[r][i + (below(2) ? 1 : -1)];
			return lower ? k : (char)(k - 32);
		}
	}
	return (char)('a' + below(26));
}

/*
 * One typo of the kinds record linkage literature counts (Damerau 1964):
 * transposition, deletion, substitution, insertion -- on code points,
 * so the result stays valid UTF-8.
 */
static void
typo(struct dq_buf *b)
{
	size_t off[65];
	char tmp[64];
	int n = cp_offsets(b, off, 64), i;
	size_t la, lb;

	if (n < 3)
		return;
	i = 1 + (int)below((uint32_t)n - 2); /* Keep the first letter. */
	switch (below(4)) {
	case 0: /* transposition of i and i+1 (or i-1 and i at the end) */
		if (i == n - 1)
			i--;
		la = off[i + 1] - off[i];
		lb = off[i + 2] - off[i + 1];
		if (la + lb > sizeof(tmp))
			return;
		memcpy(tmp, b->buf + off[i + 1], lb);
		memcpy(tmp + lb, b->buf + off[i], la);
		memcpy(b->buf + off[i], tmp, la + lb);
		break;
	case 1: /* deletion */
		la = off[i + 1] - off[i];
		memmove(b->buf + off[i], b->buf + off[i + 1],
			b->len - off[i + 1]);
		b->len -= la;
		b->buf[b->len] = '\0';
		break;
	case 2: /* substitution by a neighbouring key */
		la = off[i + 1] - off[i];
		if (la == 1 && ((b->buf[off[i]] | 32) >= 'a' &&
				(b->buf[off[i]] | 32) <= 'z')) {
			b->buf[off[i]] = near_key(b->buf[off[i]]);
		} else {
			memmove(b->buf + off[i] + 1, b->buf + off[i + 1],
				b->len - off[i + 1]);
			b->buf[off[i]] = (char)('a' + below(26));
			b->len -= la - 1;
			b->buf[b->len] = '\0';
		}
		break;
	default: /* insertion: a doubled letter */
		la = off[i + 1] - off[i];
		dq_buf_grow(b, la);
		memmove(b->buf + off[i + 1], b->buf + off[i],
			b->len - off[i]);
		b->len += la;
		b->buf[b->len] = '\0';
		break;
	}
}

/* Append v in decimal, zero-padded to width. */
static void
add_uint(struct dq_buf *b, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	dq_buf_grow(b, (size_t)n);
	while (n)
		b->buf[b->len++] = tmp[--n];
	b->buf[b->len] = '\0';
}

/* Append v with a thousands separator sep. */
static void
add_grouped(struct dq_buf *b, uint64_t v, char sep)
{
	char tmp[32];
	int n = 0, digits = 0;

	do {
		if (digits && digits % 3 == 0)
			tmp[n++] = sep;
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
		digits++;
	} while (v);
	while (n)
		dq_buf_addch(b, tmp[--n]);
}

/* Append "|"-separated item k of list (counting from 0). */
static void
add_item(struct dq_buf *b, const char *list, unsigned k)
{
	const char *e;

	while (k-- && (e = strchr(list, '|')))
		list = e + 1;
	e = strchr(list, '|');
	dq_buf_add(b, list, e ? (size_t)(e - list) : strlen(list));
}

static unsigned
count_items(const char *list)
{
	unsigned n = 1;

	for (; *list; list++)
		n += *list == '|';
	return n;
}

/*
 * Plant white space and case mistakes: ALL CAPS and all lower case at
 * caps and lower in 10000, stray spaces at about 4 in 100.
 */
static void
mess_text(struct dq_buf *b, uint32_t caps, uint32_t lower)
{
	uint32_t r = below(10000);
	char *sp;

	if (r < caps)
		set_case(b, 1);
	else if (r < caps + lower)
		set_case(b, 0);
	r = below(10000);
	if (r < 150) {
		dq_buf_grow(b, 1);
		memmove(b->buf + 1, b->buf, b->len + 1);
		b->buf[0] = ' ';
		b->len++;
	} else if (r < 350) {
		dq_buf_addch(b, ' ');
	} else if (r < 400 && (sp = memchr(b->buf, ' ', b->len))) {
		size_t at = (size_t)(sp - b->buf);
		dq_buf_grow(b, 1);
		memmove(b->buf + at + 1, b->buf + at, b->len - at + 1);
		b->len++;
	} else if (r < 415) {
		dq_buf_add(b, "\xc2\xa0", 2); /* NO-BREAK SPACE */
	} else if (r < 425) {
		dq_buf_grow(b, 1);
		memmove(b->buf + 1, b->buf, b->len + 1);
		b->buf[0] = '\t';
		b->len++;
	}
}

/* --- The record being written ------------------------------------------ */

enum {
	F_ID, F_FIRST, F_LAST, F_EMAIL, F_PHONE, F_DOB, F_STREET, F_CITY,
	F_STATE, F_ZIP, F_COUNTRY, F_SIGNUP, F_SCORE, F_ACCOUNT, F_ACTIVE,
	F_NOTES, NFIELDS
};

static const char *const field_names[NFIELDS] = {
	"id", "first_name", "last_name", "email", "phone", "dob", "street",
	"city", "state", "zip", "country", "signup_ts", "score", "account",
	"active", "notes",
};

enum kind {
	K_STR,   /* a JSON string */
	K_RAW,   /* a JSON literal written as is: number, true, false */
	K_NULL,  /* JSON null; empty in CSV */
	K_ABSENT /* key left out; empty in CSV */
};

struct field {
	enum kind kind;
	struct dq_buf v;
};

static struct field rec[NFIELDS];

static struct dq_buf *
set_str(int f)
{
	rec[f].kind = K_STR;
	dq_buf_reset(&rec[f].v);
	return &rec[f].v;
}

static struct dq_buf *
set_raw(int f)
{
	rec[f].kind = K_RAW;
	dq_buf_reset(&rec[f].v);
	return &rec[f].v;
}

/* Make field f missing: a null token, a JSON null, or no key at all. */
static void
set_missing(int f)
{
	uint32_t r = below(100);

	dq_buf_reset(&rec[f].v);
	if (r < 65) {
		rec[f].kind = K_STR;
		dq_buf_addstr(&rec[f].v, null_tokens[WEIGHTED(null_token_w)]);
	} else if (r < 90) {
		rec[f].kind = K_NULL;
	} else {
		rec[f].kind = K_ABSENT;
	}
}

/* --- Making persons ----------------------------------------------------- */

static void
new_phone(struct person *p)
{
	const struct city *c = &cities[p->country][p->city];
	struct dq_buf b = DQ_BUF_INIT;
	int i, n;

	if (p->country == C_US) {
		add_item(&b, c->area, below(count_items(c->area)));
		/* Exchange: NXX, not N11 and not the fictional 555. */
		do {
			b.len = 3;
			dq_buf_addch(&b, '2' + (int)below(8));
			dq_buf_addch(&b, '0' + (int)below(10));
			dq_buf_addch(&b, '0' + (int)below(10));
		} while ((b.buf[4] == '1' && b.buf[5] == '1') ||
			 memcmp(b.buf + 3, "555", 3) == 0);
		n = 10;
	} else if (per10k(4000)) {
		/* Mobile numbers. */
		switch (p->country) {
		case C_GB:
			dq_buf_addstr(&b, "7");
			dq_buf_addch(&b, "4578"[below(4)]);
			n = 10;
			break;
		case C_DE:
			dq_buf_addstr(&b, PICK(((const char *const[]){
				"151", "152", "157", "160", "170", "171",
				"176" })));
			n = b.buf[1] == '5' || b.buf[2] == '6' ? 11 : 10;
			break;
		default:
			/* 06 and 073-079 (ARCEP numbering plan). */
			if (below(3)) {
				dq_buf_addch(&b, '6');
				dq_buf_addch(&b, '1' + (int)below(8));
			} else {
				dq_buf_addch(&b, '7');
				dq_buf_addch(&b, '3' + (int)below(7));
			}
			n = 9;
			break;
		}
	} else {
		dq_buf_addstr(&b, c->area);
		if (p->country == C_GB)
			n = 10;
		else if (p->country == C_DE)
			n = 10;
		else
			n = 9;
		if (c->lead)
			dq_buf_addch(&b, c->lead[below((uint32_t)strlen(c->lead))]);
		else
			dq_buf_addch(&b, '2' + (int)below(8));
	}
	for (i = (int)b.len; i < n; i++)
		dq_buf_addch(&b, '0' + (int)below(10));
	memcpy(p->phone, b.buf, b.len + 1);
	dq_buf_release(&b);
}

static void
new_address(struct person *p)
{
	const struct city *c;

	p->city = (uint8_t)skewed(ncities[p->country]);
	c = &cities[p->country][p->city];
	switch (p->country) {
	case C_US:
		p->street = (uint8_t)below(NELEM(us_streets));
		p->suffix = (uint8_t)below(NELEM(us_suffix));
		p->house = (uint16_t)(1 + skewed(9999));
		break;
	case C_GB:
		p->street = (uint8_t)below(NELEM(gb_streets));
		p->house = (uint16_t)(1 + skewed(250));
		break;
	case C_DE:
		p->street = (uint8_t)below(NELEM(de_streets));
		p->house = (uint16_t)(1 + skewed(150));
		break;
	default:
		p->street = (uint8_t)below(NELEM(fr_streets));
		p->house = (uint16_t)(1 + skewed(200));
		break;
	}
	p->unit_kind = per10k(1500) ? (uint8_t)(1 + below(5)) : 0;
	p->unit = (uint16_t)(1 + below(40));
	p->zip = c->zip_span ? c->zip_lo + below(c->zip_span) : below(1u << 20);
}

/* The addresses handed out so far: a mail provider gives an address to
 * one person only, so a second "juan.robinson@gmail.com" gets digits, as
 * real people's addresses do. */
static struct dq_keyset emails_taken;

static void email_local(const struct person *p, struct dq_buf *b);

/* E-mail pattern and number for the person's current names. */
static void
new_email(struct person *p)
{
	static const unsigned short pat_w[] = { 30, 15, 5, 10, 10, 10, 5, 3,
		7, 5 };
	struct dq_buf b = DQ_BUF_INIT;

	p->email_pat = (uint8_t)WEIGHTED(pat_w);
	p->email_dom = (uint8_t)(p->country == C_US ? WEIGHTED(us_domain_w) :
						     WEIGHTED(other_domain_w));
	p->email_num = (uint16_t)below(1000);
	/* The suffix comes from the entity number, not the random stream,
	 * so that every other field of every record stays as it was. */
	p->email_sfx = 0;
	for (uint32_t k = 0;; k++) {
		dq_buf_reset(&b);
		email_local(p, &b);
		dq_buf_addf(&b, "@%s", domains[p->country][p->email_dom]);
		if (dq_keyset_add(&emails_taken, b.buf, b.len) == 1 || k == 50)
			break;
		p->email_sfx = (uint16_t)(1 + (p->entity * 2654435761u + k *
					       40503u) % 9999);
	}
	dq_buf_release(&b);
}

static void
new_dob(struct person *p, int lo, int span)
{
	static const uint8_t mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };

	p->year = (int16_t)(lo + (int)below((uint32_t)span));
	p->month = (uint8_t)(1 + below(12));
	p->day = (uint8_t)(1 + below(mdays[p->month - 1]));
	if (p->month == 2 && p->year % 4 == 0 && per10k(357))
		p->day = 29;
}

static void
new_person(struct person *p)
{
	static const unsigned short country_w[] = { 850, 50, 50, 50 };

	memset(p, 0, sizeof(*p));
	p->entity = (uint32_t)++nborn;
	p->first = (uint16_t)skewed(NELEM(firsts));
	p->last = (uint16_t)skewed(NELEM(lasts));
	p->nick = -1;
	if (firsts[p->first].nicks && per10k(800))
		p->nick = (int8_t)below(count_items(firsts[p->first].nicks));
	p->country = (uint8_t)WEIGHTED(country_w);
	new_address(p);
	new_phone(p);
	new_email(p);
	new_dob(p, 1935, 72);
	p->signup = below(315532800u); /* ten years of sign-ups */
	p->score = below(10) ? below(20000) : below(1000000);
	switch (below(10)) {
	case 0:
		p->account = 100000 + below(900000000);
		break;
	case 1:
		p->account = 9007199254740993u; /* 2^53 + 1 */
		break;
	default:
		/* Odd numbers above 2^53: no double holds them exactly. */
		p->account = (1ull << 53) + 1 +
			     2 * (next64() % (1ull << 58));
		break;
	}
	p->active = per10k(7500);
}

/* A member of an earlier person's household: a new entity. */
static void
new_household(struct person *p, const struct person *h)
{
	uint16_t first = h->first;

	new_person(p);
	while (p->first == first)
		p->first = (uint16_t)skewed(NELEM(firsts));
	p->nick = -1;
	p->last = h->last;
	p->country = h->country;
	p->city = h->city;
	p->street = h->street;
	p->suffix = h->suffix;
	p->house = h->house;
	p->unit_kind = h->unit_kind;
	p->unit = h->unit;
	p->zip = h->zip;
	if (per10k(7000))
		memcpy(p->phone, h->phone, sizeof(p->phone));
	else
		new_phone(p);
	new_email(p);
	/* A partner of about the same age, or a grown child. */
	if (below(2))
		new_dob(p, h->year - 5, 11);
	else
		new_dob(p, h->year + 20, 15);
	if (p->year > 2006)
		p->year = 2006;
}

/* Turn p, an earlier person, into the way a duplicate describes them. */
static void
perturb(struct person *p, struct dupmods *m)
{
	memset(m, 0, sizeof(*m));
	if (per10k(2000))
		m->typo_first = 1;
	if (per10k(2000))
		m->typo_last = 1;
	if (per10k(500))
		m->swap = 1;
	if (firsts[p->first].nicks && per10k(2500)) {
		unsigned n = count_items(firsts[p->first].nicks);
		p->nick = p->nick >= 0 && below(2) ? -1 : (int8_t)below(n);
	}
	if (per10k(800) && p->day <= 12 && p->day != p->month) {
		uint8_t t = p->day;
		p->day = p->month;
		p->month = t;
	} else if (per10k(300)) {
		p->year = (int16_t)(p->year + (below(2) ? 1 : -1));
	}
	if (per10k(1500))
		new_email(p);
	if (per10k(1000))
		new_phone(p);
	if (per10k(800))
		new_address(p);
	if (per10k(1000))
		m->drop |= 1u << F_EMAIL;
	if (per10k(1000))
		m->drop |= 1u << F_PHONE;
	if (per10k(1000))
		m->drop |= 1u << F_DOB;
	if (per10k(500))
		m->drop |= 1u << F_STREET | 1u << F_ZIP;
	p->signup = below(315532800u);
	p->active = per10k(6000);
}

/* --- Rendering fields ---------------------------------------------------- */

static void
render_names(const struct person *p, const struct dupmods *m)
{
	struct dq_buf *f = set_str(F_FIRST), *l = set_str(F_LAST);
	const struct first_name *fn = &firsts[p->first];

	if (p->nick >= 0)
		add_item(f, fn->nicks, (unsigned)p->nick);
	else
		dq_buf_addstr(f, fn->name);
	dq_buf_addstr(l, lasts[p->last]);
	if (m->typo_first)
		typo(f);
	if (m->typo_last)
		typo(l);
	if (per10k(200)) { /* a middle initial */
		dq_buf_addch(f, ' ');
		dq_buf_addch(f, 'A' + (int)below(26));
		if (below(2))
			dq_buf_addch(f, '.');
	}
	if (per10k(80)) {
		struct dq_buf t = DQ_BUF_INIT;
		dq_buf_addstr(&t, PICK(titles));
		dq_buf_add(&t, f->buf, f->len);
		dq_buf_reset(f);
		dq_buf_add(f, t.buf, t.len);
		dq_buf_release(&t);
	}
	if (per10k(100))
		dq_buf_addstr(l, PICK(suffixes));
	mess_text(f, 400, 300);
	mess_text(l, 500, 300);
	if (m->swap) {
		struct dq_buf t = rec[F_FIRST].v;
		rec[F_FIRST].v = rec[F_LAST].v;
		rec[F_LAST].v = t;
	}
	if (per10k(40))
		set_missing(F_FIRST);
	if (per10k(40))
		set_missing(F_LAST);
}

/* Insert a dot at a random inner position of the local part. */
static void
gmail_dot(struct dq_buf *b, size_t at_sign)
{
	size_t i;

	if (at_sign < 3)
		return;
	i = 1 + below((uint32_t)at_sign - 1);
	if (b->buf[i] == '.' || b->buf[i - 1] == '.')
		return;
	dq_buf_grow(b, 1);
	memmove(b->buf + i + 1, b->buf + i, b->len - i + 1);
	b->buf[i] = '.';
	b->len++;
}

/* The local part of the person's address, before any typing noise. */
static void
email_local(const struct person *p, struct dq_buf *b)
{
	const char *f = first_ascii[p->first], *l = last_ascii[p->last];

	switch (p->email_pat) {
	case 0: dq_buf_addf(b, "%s.%s", f, l); break;
	case 1: dq_buf_addf(b, "%s%s", f, l); break;
	case 2: dq_buf_addf(b, "%s_%s", f, l); break;
	case 3: dq_buf_addf(b, "%c%s", f[0], l); break;
	case 4: dq_buf_addf(b, "%s%02d", f, p->year % 100); break;
	case 5: dq_buf_addf(b, "%s.%s%u", f, l, p->email_num); break;
	case 6: dq_buf_addf(b, "%s.%s", l, f); break;
	case 7: dq_buf_addstr(b, f); break;
	case 8: dq_buf_addf(b, "%s%c", l, f[0]); break;
	default: dq_buf_addf(b, "%c.%s%u", f[0], l, p->email_num % 100); break;
	}
	if (p->email_sfx)
		dq_buf_addf(b, "%u", p->email_sfx);
}

static void
render_email(const struct person *p)
{
	struct dq_buf *b = set_str(F_EMAIL);
	const char *dom = domains[p->country][p->email_dom];
	size_t at;
	uint32_t r;

	if (per10k(250)) {
		set_missing(F_EMAIL);
		return;
	}
	email_local(p, b);
	if (per10k(300)) {
		dq_buf_addch(b, '+');
		dq_buf_addstr(b, PICK(email_tags));
	}
	at = b->len;
	dq_buf_addch(b, '@');
	/* gmail.com is first in every domain list. */
	if (p->email_dom == 0 && per10k(300))
		dq_buf_addstr(b, "googlemail.com");
	else
		dq_buf_addstr(b, dom);
	if (p->email_dom == 0 && per10k(500))
		gmail_dot(b, at);
	r = below(10000);
	if (r < 300) {
		set_case(b, 1);
	} else if (r < 700) {
		/* "Jose.Garcia@Gmail.com": capitals after separators. */
		size_t i;
		for (i = 0; i < b->len; i++)
			if ((i == 0 || strchr("._@", b->buf[i - 1])) &&
			    b->buf[i] >= 'a' && b->buf[i] <= 'z')
				b->buf[i] -= 32;
	}
	r = below(10000);
	if (r < 150) {
		char *s = dq_xstrdup(b->buf);
		dq_buf_reset(b);
		switch (below(6)) {
		case 0: s[at] = '.'; dq_buf_addstr(b, s); break;
		case 1: dq_buf_addf(b, "%.*s@%s", (int)at, s, s + at); break;
		case 2: dq_buf_add(b, s, at + 1);
			dq_buf_addstr(b, dom);
			if (b->len > 4) b->len -= 4, b->buf[b->len] = '\0';
			break;
		case 3: dq_buf_addf(b, "%.*s (at) %s", (int)at, s, s + at + 1);
			break;
		case 4: s[at / 2] = ' '; dq_buf_addstr(b, s); break;
		default: {
			char *dot = strrchr(s, '.');
			if (dot)
				*dot = ',';
			dq_buf_addstr(b, s);
		}
		}
		free(s);
	} else if (r < 200) {
		char *s = dq_xstrdup(b->buf);
		dq_buf_reset(b);
		dq_buf_addf(b, "%s %s <%s>", firsts[p->first].name,
			    lasts[p->last], s);
		free(s);
	} else if (r < 220) {
		char *s = dq_xstrdup(b->buf);
		dq_buf_reset(b);
		dq_buf_addf(b, "mailto:%s", s);
		free(s);
	} else if (r < 420) {
		mess_text(b, 0, 0);
	}
}

/* Digits of s grouped by the lengths in g ("334"), joined by sep. */
static void
add_groups(struct dq_buf *b, const char *s, const char *g, const char *sep)
{
	int first = 1;

	for (; *g; g++) {
		int n = *g - '0';
		if (!first)
			dq_buf_addstr(b, sep);
		dq_buf_add(b, s, (size_t)n);
		s += n;
		first = 0;
	}
	dq_buf_addstr(b, s); /* Whatever the grouping did not cover. */
}

static void
render_phone(const struct person *p)
{
	static const char *const us_tpl[] = { "(###) ###-####",
		"###-###-####", "###.###.####", "+1 ### ### ####", "##########",
		"1-###-###-####", "+1##########", "### ### ####",
		"(###)###-####", "1 (###) ###-####", "+1 (###) ###-####",
		"+1-###-###-####" };
	static const unsigned short us_w[] = { 30, 20, 8, 6, 10, 5, 6, 5, 4,
		2, 2, 2 };
	static const char cc[NCOUNTRY][3] = { "1", "44", "49", "33" };
	struct dq_buf *b = set_str(F_PHONE);
	const char *d = p->phone, *g;
	uint32_t r;

	if (per10k(300)) {
		set_missing(F_PHONE);
		return;
	}
	if (per10k(150)) { /* Invalid numbers of several kinds. */
		switch (below(7)) {
		case 0: dq_buf_addf(b, "%.3s-%.4s", d + 3, d + 6); break;
		case 1: dq_buf_addf(b, "(%.3s) %.3s-%.3s", d, d + 3, d + 6);
			break;
		case 2: dq_buf_addf(b, "%s1", d); break;
		case 3: dq_buf_addstr(b, "000-000-0000"); break;
		case 4: dq_buf_addstr(b, "123-456-7890"); break;
		case 5: dq_buf_addstr(b, PICK(((const char *const[]){
				"call after 5pm", "unlisted", "ask spouse",
				"1-800-FLOWERS", "12345" })));
			break;
		default: dq_buf_addf(b, "+1 0%.2s %.3s %.4s", d + 1, d + 3,
				     d + 6);
			break;
		}
		return;
	}
	if (p->country == C_US) {
		const char *t = us_tpl[WEIGHTED(us_w)];
		for (; *t; t++)
			dq_buf_addch(b, *t == '#' ? *d++ : *t);
		r = below(10000);
		if (r < 100)
			dq_buf_addf(b, " x%u", 1 + below(999));
		else if (r < 150)
			dq_buf_addf(b, " ext. %u", 1 + below(99));
		else if (r < 170)
			dq_buf_addf(b, ";ext=%u", 1 + below(9999));
		goto mess;
	}
	/* Groupings of the national significant number. */
	switch (p->country) {
	case C_GB:
		g = d[0] == '7' ? "46" : d[0] == '2' ? "244" : "334";
		break;
	case C_DE:
		g = d[0] == '1' ? "3" : d[0] == '3' || d[0] == '4' ||
			d[0] == '6' || d[0] == '8' ? "2" : "3";
		break;
	default:
		g = "12222";
		break;
	}
	r = below(100);
	if (r < 55) { /* national */
		const char *sep = p->country == C_FR ?
			(below(4) ? " " : ".") : " ";
		if (p->country == C_DE && below(4) == 0) {
			dq_buf_addch(b, '0');
			add_groups(b, d, g, "/");
		} else if (below(8) == 0) {
			dq_buf_addch(b, '(');
			dq_buf_addch(b, '0');
			dq_buf_add(b, d, (size_t)(g[0] - '0'));
			dq_buf_addstr(b, ") ");
			add_groups(b, d + g[0] - '0', g + 1, sep);
		} else if (below(8) == 0) {
			dq_buf_addch(b, '0');
			dq_buf_addstr(b, d);
		} else {
			dq_buf_addch(b, '0');
			add_groups(b, d, g, sep);
		}
	} else if (r < 75) {
		dq_buf_addf(b, "+%s ", cc[p->country]);
		add_groups(b, d, g, " ");
	} else if (r < 85) {
		dq_buf_addf(b, "+%s (0)", cc[p->country]);
		add_groups(b, d, g, " ");
	} else if (r < 92) {
		dq_buf_addf(b, "00%s ", cc[p->country]);
		add_groups(b, d, g, " ");
	} else {
		dq_buf_addf(b, "+%s%s", cc[p->country], d);
	}
mess:
	if (per10k(200))
		mess_text(b, 0, 0);
}

/* Append y, m, d as "yyyy-mm-dd" with sep ("yyyymmdd" when sep is 0). */
static void
add_ymd(struct dq_buf *b, int y, int m, int d, char sep)
{
	add_uint(b, (unsigned)y, 4);
	if (sep)
		dq_buf_addch(b, sep);
	add_uint(b, (unsigned)m, 2);
	if (sep)
		dq_buf_addch(b, sep);
	add_uint(b, (unsigned)d, 2);
}

/* Append a date in one of the ways people write one. */
static void
add_date(struct dq_buf *b, int y, int m, int d, int country)
{
	static const unsigned short us_w[] = { 35, 20, 10, 2, 6, 5, 5, 3, 3, 2,
		2 };
	static const unsigned short eu_w[] = { 35, 2, 2, 30, 3, 3, 10, 3, 1,
		1, 2 };
	int f;

	if (m < 1 || m > 12) /* Only numeric forms can show month 13. */
		f = below(2) ? 0 : 7;
	else if (country == C_US)
		f = WEIGHTED(us_w);
	else
		f = WEIGHTED(eu_w);
	switch (f) {
	case 0:
		add_ymd(b, y, m, d, '-');
		break;
	case 1: /* m/d/yyyy, or d/m/yyyy outside the US */
		add_uint(b, (unsigned)(country == C_US ? m : d), 0);
		dq_buf_addch(b, '/');
		add_uint(b, (unsigned)(country == C_US ? d : m), 0);
		dq_buf_addch(b, '/');
		add_uint(b, (unsigned)y, 4);
		break;
	case 2:
		add_uint(b, (unsigned)(country == C_US ? m : d), 2);
		dq_buf_addch(b, '/');
		add_uint(b, (unsigned)(country == C_US ? d : m), 2);
		dq_buf_addch(b, '/');
		add_uint(b, (unsigned)y, 4);
		break;
	case 3: /* dd.mm.yyyy (DE) or dd/mm/yyyy (GB, FR) */
		add_uint(b, (unsigned)d, 2);
		dq_buf_addch(b, country == C_GB || country == C_FR ? '/' : '.');
		add_uint(b, (unsigned)m, 2);
		dq_buf_addch(b, country == C_GB || country == C_FR ? '/' : '.');
		add_uint(b, (unsigned)y, 4);
		break;
	case 4:
		dq_buf_addf(b, "%s %d, %d", months[m - 1], d, y);
		break;
	case 5:
		add_ymd(b, y, m, d, 0);
		break;
	case 6:
		dq_buf_addf(b, "%d %.3s %d", d, months[m - 1], y);
		break;
	case 7:
		add_ymd(b, y, m, d, '/');
		break;
	case 8: /* two-digit year */
		add_uint(b, (unsigned)(country == C_US ? m : d), 0);
		dq_buf_addch(b, '/');
		add_uint(b, (unsigned)(country == C_US ? d : m), 0);
		dq_buf_addch(b, '/');
		add_uint(b, (unsigned)(y % 100), 2);
		break;
	case 9:
		dq_buf_addf(b, "%.3s %d %d", months[m - 1], d, y);
		break;
	default:
		add_ymd(b, y, m, d, '-');
		dq_buf_addstr(b, "T00:00:00Z");
		break;
	}
}

static void
render_dob(const struct person *p)
{
	struct dq_buf *b = set_str(F_DOB);
	int y = p->year, m = p->month, d = p->day;

	if (per10k(250)) {
		set_missing(F_DOB);
		return;
	}
	if (per10k(60)) { /* Impossible dates. */
		switch (below(4)) {
		case 0: y = 1985 + 4 * (int)below(4); m = 2; d = 29; break;
		case 1: m = PICK(((const int[]){ 4, 6, 9, 11 })); d = 31; break;
		case 2: m = 13; break;
		default: y = 0, m = 0, d = 0; break;
		}
	}
	add_date(b, y, m, d, p->country);
	if (per10k(150))
		mess_text(b, 0, 0);
}

/* Civil date of a day count from 1970-01-01 (Hinnant's algorithm). */
static void
civil(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void
render_signup(const struct person *p)
{
	static const unsigned short w[] = { 50, 20, 10, 8, 7, 5 };
	int64_t t = 1420070400 + (int64_t)p->signup; /* 2015-01-01 */
	int y, mo, d, hh, mi, ss, f = WEIGHTED(w);
	struct dq_buf *b;

	if (per10k(100)) {
		set_missing(F_SIGNUP);
		return;
	}
	if (f == 2) {
		add_uint(set_raw(F_SIGNUP), (uint64_t)t, 0);
		return;
	}
	if (f == 3)
		t += 7200; /* written as local time at +02:00 */
	civil(t / 86400, &y, &mo, &d);
	hh = (int)(t % 86400 / 3600);
	mi = (int)(t % 3600 / 60);
	ss = (int)(t % 60);
	b = set_str(F_SIGNUP);
	if (f == 4) {
		dq_buf_addf(b, "%02d/%02d/%d %d:%02d %s", mo, d, y,
			    hh % 12 ? hh % 12 : 12, mi, hh < 12 ? "AM" : "PM");
		return;
	}
	add_ymd(b, y, mo, d, '-');
	dq_buf_addch(b, f == 1 ? ' ' : 'T');
	add_uint(b, (unsigned)hh, 2);
	dq_buf_addch(b, ':');
	add_uint(b, (unsigned)mi, 2);
	dq_buf_addch(b, ':');
	add_uint(b, (unsigned)ss, 2);
	if (f == 0)
		dq_buf_addch(b, 'Z');
	else if (f == 3)
		dq_buf_addstr(b, "+02:00");
	else if (f == 5)
		dq_buf_addf(b, ".%03uZ", below(1000));
}

static void
render_address(const struct person *p)
{
	const struct city *c = &cities[p->country][p->city];
	struct dq_buf *b = set_str(F_STREET);
	static const char *const units[] = { "", "Apt ", "Apt. ", "#", "Unit ",
		"Suite " };
	uint32_t r;

	switch (p->country) {
	case C_US:
		add_uint(b, p->house, 0);
		dq_buf_addch(b, ' ');
		if (per10k(800))
			dq_buf_addstr(b, PICK(((const char *const[]){ "N ",
				"S ", "E ", "W ", "North ", "West " })));
		dq_buf_addstr(b, us_streets[p->street]);
		dq_buf_addch(b, ' ');
		r = below(100);
		if (r < 45) {
			dq_buf_addstr(b, us_suffix[p->suffix][1]);
		} else if (r < 55) {
			dq_buf_addstr(b, us_suffix[p->suffix][1]);
			dq_buf_addch(b, '.');
		} else {
			dq_buf_addstr(b, us_suffix[p->suffix][0]);
		}
		if (p->unit_kind) {
			dq_buf_addstr(b, below(3) ? " " : ", ");
			dq_buf_addstr(b, units[p->unit_kind]);
			add_uint(b, p->unit, 0);
			if (below(4) == 0)
				dq_buf_addch(b, 'A' + (int)below(4));
		}
		break;
	case C_GB:
		if (p->unit_kind)
			dq_buf_addf(b, "Flat %u, ", p->unit);
		add_uint(b, p->house, 0);
		dq_buf_addch(b, ' ');
		dq_buf_addstr(b, gb_streets[p->street]);
		break;
	case C_DE: {
		const char *s = de_streets[p->street];
		const char *st = strstr(s, "straße");
		r = below(10);
		if (st && r < 3) /* Hauptstr. */
			dq_buf_addf(b, "%.*sstr.", (int)(st - s), s);
		else if (st && r < 4) /* without the sharp s */
			dq_buf_addf(b, "%.*sstrasse", (int)(st - s), s);
		else
			dq_buf_addstr(b, s);
		dq_buf_addch(b, ' ');
		add_uint(b, p->house, 0);
		if (p->unit_kind == 1)
			dq_buf_addch(b, 'a');
		break;
	}
	default:
		add_uint(b, p->house, 0);
		if (p->unit_kind == 1)
			dq_buf_addstr(b, " bis");
		dq_buf_addstr(b, below(5) ? " " : ", ");
		dq_buf_addstr(b, fr_streets[p->street]);
		break;
	}
	mess_text(b, 300, 300);
	if (per10k(150))
		set_missing(F_STREET);

	b = set_str(F_CITY);
	if (p->country == C_US && p->city == 0 && per10k(500))
		dq_buf_addstr(b, "NYC");
	else if (strncmp(c->name, "St. ", 4) == 0 && per10k(3000))
		dq_buf_addf(b, "Saint%s", c->name + 3);
	else if (p->country == C_DE && p->city == 2 && per10k(3000))
		dq_buf_addstr(b, below(2) ? "Munich" : "Muenchen");
	else
		dq_buf_addstr(b, c->name);
	mess_text(b, 500, 500);
	if (per10k(150))
		set_missing(F_CITY);

	b = set_str(F_STATE);
	if (p->country == C_US) {
		const struct state *s = states;
		while (strcmp(s->code, c->state) != 0)
			s++;
		r = below(100);
		if (r < 55) {
			dq_buf_addstr(b, s->code);
		} else if (r < 75) {
			dq_buf_addstr(b, s->name);
		} else if (r < 85) {
			dq_buf_addstr(b, s->code);
			set_case(b, 0);
		} else if (r < 92) {
			dq_buf_addstr(b, s->name);
			set_case(b, 0);
		} else {
			dq_buf_addstr(b, s->name);
			set_case(b, 1);
		}
		if (per10k(300))
			mess_text(b, 0, 0);
	} else if (below(2)) {
		dq_buf_addstr(b, c->state);
	}
	if (per10k(150))
		set_missing(F_STATE);

	b = set_str(F_ZIP);
	r = below(100);
	switch (p->country) {
	case C_GB: {
		static const char inward[] = "ABDEFGHJLNPQRSTUWXYZ";
		unsigned z = p->zip;
		add_item(b, c->post, (z >> 12) % count_items(c->post));
		if (r >= 10)
			dq_buf_addch(b, ' ');
		if (r >= 95)
			dq_buf_addch(b, ' ');
		add_uint(b, z % 10, 0);
		dq_buf_addch(b, inward[(z / 10) % 20]);
		dq_buf_addch(b, inward[(z / 200) % 20]);
		if (r < 20)
			set_case(b, 0);
		break;
	}
	case C_US:
		if (p->zip < 10000 && r < 30) {
			add_uint(r < 22 ? b : set_raw(F_ZIP), p->zip, 0);
		} else if (r < 5) {
			add_uint(set_raw(F_ZIP), p->zip, 0);
		} else {
			add_uint(b, p->zip, 5);
			if (r >= 93) {
				dq_buf_addch(b, '-');
				add_uint(b, (p->house * 37u + p->zip) % 10000,
					 4);
			}
		}
		break;
	default:
		if (p->zip < 10000 && r < 25) {
			add_uint(b, p->zip, 0);
		} else {
			if (r >= 97)
				dq_buf_addstr(b, p->country == C_DE ? "D-" :
								     "F-");
			add_uint(b, p->zip, 5);
		}
		break;
	}
	if (per10k(100) && rec[F_ZIP].kind == K_STR)
		mess_text(b, 0, 0);
	if (per10k(200))
		set_missing(F_ZIP);

	b = set_str(F_COUNTRY);
	{
		static const char *const names[NCOUNTRY][6] = {
			{ "US", "USA", "United States", "us", "U.S.A.",
			  "United States of America" },
			{ "GB", "UK", "United Kingdom", "England", "gb",
			  "Great Britain" },
			{ "DE", "Germany", "Deutschland", "de", "DEU",
			  "GERMANY" },
			{ "FR", "France", "france", "fr", "FRA", "FRANCE" },
		};
		static const unsigned short w[] = { 50, 20, 15, 5, 5, 5 };
		dq_buf_addstr(b, names[p->country][WEIGHTED(w)]);
	}
	if (per10k(200))
		mess_text(b, 0, 0);
	if (per10k(300))
		set_missing(F_COUNTRY);
}

/* Append cents as "1234.50" (or "1234.5"), thousands separated by sep. */
static void
add_money(struct dq_buf *b, uint32_t cents, char sep, char point, int trim)
{
	uint32_t c = cents % 100;

	if (sep)
		add_grouped(b, cents / 100, sep);
	else
		add_uint(b, cents / 100, 0);
	dq_buf_addch(b, point);
	if (trim && c % 10 == 0)
		add_uint(b, c / 10, 0);
	else
		add_uint(b, c, 2);
}

static void
render_numbers(const struct person *p)
{
	struct dq_buf *b;
	uint32_t r = below(1000);
	int eu = p->country == C_DE || p->country == C_FR;

	/* score */
	if (r < 780) {
		b = set_raw(F_SCORE);
		if (p->score % 100 == 0 && r < 100)
			add_uint(b, p->score / 100, 0);
		else
			add_money(b, p->score, 0, '.', r & 1);
	} else if (r < 820) {
		add_money(set_str(F_SCORE), p->score, 0, '.', 0);
	} else if (r < 860) {
		add_money(set_str(F_SCORE), p->score, ',', '.', 0);
	} else if (r < 910) {
		b = set_str(F_SCORE);
		if (eu) {
			add_money(b, p->score, '.', ',', 0);
			dq_buf_addstr(b, " €");
		} else {
			dq_buf_addstr(b, below(4) ? "$" : "USD ");
			add_money(b, p->score, ',', '.', 0);
		}
	} else if (r < 930) {
		b = set_str(F_SCORE);
		dq_buf_addch(b, ' ');
		add_uint(b, p->score / 100, 0);
		dq_buf_addch(b, ' ');
	} else if (r < 940) {
		b = set_raw(F_SCORE);
		dq_buf_addch(b, '-');
		add_money(b, p->score % 5000, 0, '.', 0);
	} else if (r < 945) {
		dq_buf_addstr(set_str(F_SCORE),
			      PICK(((const char *const[]){ "abc", "12..5",
				"1O0", "~50", "n.a." })));
	} else {
		set_missing(F_SCORE);
	}

	/* account: exact big integers and "59.0"-style decimals */
	r = below(1000);
	b = set_raw(F_ACCOUNT);
	if (r < 750) {
		add_uint(b, p->account, 0);
	} else if (r < 850) {
		add_uint(b, p->account % 1000, 0);
		dq_buf_addstr(b, PICK(((const char *const[]){ ".0", ".00", ".50",
			".10", ".000" })));
	} else if (r < 870) {
		dq_buf_addf(b, "%u.%ue%s%u", 1 + below(9), below(10),
			    below(2) ? "+" : "", below(20));
	} else if (r < 880) {
		dq_buf_addf(b, "-%u", 1 + below(99999));
	} else if (r < 883) {
		dq_buf_addstr(b, PICK(((const char *const[]){
			"18446744073709551615", "-9223372036854775808",
			"-0", "-0.0", "1E400", "0.1e-400" })));
	} else if (r < 930) {
		add_uint(set_str(F_ACCOUNT), p->account, 0);
	} else {
		set_missing(F_ACCOUNT);
	}

	/* active */
	{
		static const char *const t[] = { "true", "yes", "Y", "true",
			"TRUE", "1", "1", "y", "Yes", "T" };
		static const char *const f[] = { "false", "no", "N", "false",
			"False", "0", "0", "n", "No", "F" };
		static const unsigned short w[] = { 40, 10, 10, 10, 4, 10, 8, 3,
			3, 2 };
		int k;
		r = below(1000);
		if (r < 50) {
			set_missing(F_ACTIVE);
			return;
		}
		k = WEIGHTED(w);
		/* Forms 0 and 5 are the JSON literal true/false and 1/0. */
		dq_buf_addstr(k == 0 || k == 5 ? set_raw(F_ACTIVE) :
						set_str(F_ACTIVE),
			      p->active ? t[k] : f[k]);
	}
}

static void
render_notes(void)
{
	struct dq_buf *b = set_str(F_NOTES);
	uint32_t r = below(10000);

	if (r < 5500) {
		return; /* empty string */
	} else if (r < 6500) {
		set_missing(F_NOTES);
	} else if (r < 9200) {
		dq_buf_addstr(b, PICK(short_notes));
	} else if (r < 9975) {
		unsigned n = 3 + below(12);
		while (n--) {
			dq_buf_addstr(b, PICK(note_words));
			if (n)
				dq_buf_addch(b, ' ');
		}
	} else {
		size_t want = 1000 + below(5000);
		while (b->len < want) {
			dq_buf_addstr(b, PICK(note_words));
			dq_buf_addch(b, below(12) ? ' ' : '\n');
		}
	}
}

/* --- Output ------------------------------------------------------------- */

static struct dq_buf out;
static FILE *truth;
static const char *truth_name;
static struct dq_buf tbuf;

/*
 * Hand buf to stream f.  A reader that went away (EPIPE) ends the
 * program quietly with status 0, as head(1) expects; any other failure is
 * a write error, status 2.
 */
static void
flush_to(FILE *f, struct dq_buf *buf, const char *name)
{
	errno = 0;
	if (buf->len && fwrite(buf->buf, 1, buf->len, f) != buf->len) {
		if (errno == EPIPE)
			exit(0);
		if (name)
			dq_die("%s: write error: %s", name, strerror(errno));
		dq_die("write error: %s", strerror(errno));
	}
	dq_buf_reset(buf);
}

/* Close f, reporting a failed final write like flush_to(). */
static void
close_out(FILE *f, const char *name)
{
	errno = 0;
	if (fflush(f) != 0 || ferror(f)) {
		if (errno == EPIPE)
			exit(0);
		goto fail;
	}
	if (fclose(f) != 0) {
		if (errno == EPIPE)
			exit(0);
		goto fail;
	}
	return;
fail:
	if (name)
		dq_die("%s: write error: %s", name, strerror(errno));
	dq_die("write error: %s", strerror(errno));
}

/*
 * The escape for each byte in a JSON string (RFC 8259, section 7): 0 to
 * copy it, else the letter after the backslash ('u' for \u00XX).
 */
static char json_esc[256];

static void
init_json_esc(void)
{
	int c;

	for (c = 0; c < 0x20; c++)
		json_esc[c] = 'u';
	json_esc['\b'] = 'b';
	json_esc['\f'] = 'f';
	json_esc['\n'] = 'n';
	json_esc['\r'] = 'r';
	json_esc['\t'] = 't';
	json_esc['"'] = '"';
	json_esc['\\'] = '\\';
}

/* Write s as a JSON string at p, which has room for 6 * n + 2 bytes. */
static char *
put_json_string(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	*p++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e = json_esc[c];
		if (!e) {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		*p++ = e;
		if (e == 'u') {
			*p++ = '0';
			*p++ = '0';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p++ = '"';
	return p;
}

/*
 * Append the record as one line of compact JSON.  Room for the worst case
 * is made once, so the loop writes without further checks.
 */
static void
emit_ndjson(void)
{
	size_t need = 4;
	char *p;
	int f, n = 0;

	for (f = 0; f < NFIELDS; f++)
		need += 16 + 6 * rec[f].v.len;
	dq_buf_grow(&out, need);
	p = out.buf + out.len;
	*p++ = '{';
	for (f = 0; f < NFIELDS; f++) {
		struct field *x = &rec[f];
		size_t kl;
		if (x->kind == K_ABSENT)
			continue;
		if (n++)
			*p++ = ',';
		*p++ = '"';
		kl = strlen(field_names[f]);
		memcpy(p, field_names[f], kl);
		p += kl;
		*p++ = '"';
		*p++ = ':';
		switch (x->kind) {
		case K_STR:
			p = put_json_string(p, x->v.buf, x->v.len);
			break;
		case K_RAW:
			memcpy(p, x->v.buf, x->v.len);
			p += x->v.len;
			break;
		default:
			memcpy(p, "null", 4);
			p += 4;
			break;
		}
	}
	*p++ = '}';
	*p++ = '\n';
	out.len = (size_t)(p - out.buf);
	*p = '\0';
}

/*
 * Write one CSV field at p (room for 2 * n + 2 bytes).  RFC 4180: quote
 * a field holding a comma, quote or line break; also quote one with white
 * space at either end, which some readers trim, and an empty string, to
 * tell it from a missing value.
 */
static char *
put_csv_field(char *p, const char *s, size_t n)
{
	size_t i;
	int quote = n == 0 || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
		    s[n - 1] == '\t';

	for (i = 0; i < n && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (!quote) {
		memcpy(p, s, n);
		return p + n;
	}
	*p++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	*p++ = '"';
	return p;
}

static void
emit_csv(void)
{
	size_t need = 4;
	char *p;
	int f;

	for (f = 0; f < NFIELDS; f++)
		need += 3 + 2 * rec[f].v.len;
	dq_buf_grow(&out, need);
	p = out.buf + out.len;
	for (f = 0; f < NFIELDS; f++) {
		if (f)
			*p++ = ',';
		if (rec[f].kind == K_STR) {
			p = put_csv_field(p, rec[f].v.buf, rec[f].v.len);
		} else if (rec[f].kind == K_RAW) {
			memcpy(p, rec[f].v.buf, rec[f].v.len);
			p += rec[f].v.len;
		}
	}
	*p++ = '\r';
	*p++ = '\n';
	out.len = (size_t)(p - out.buf);
	*p = '\0';
}

/* --- Main --------------------------------------------------------------- */

static void
add_id(struct dq_buf *b, char prefix, uint64_t n)
{
	dq_buf_addch(b, prefix);
	add_uint(b, n, 7);
}

static void
make_record(uint64_t row, double dup_rate)
{
	struct person p;
	struct dupmods m;
	int f;

	memset(&m, 0, sizeof(m));
	if (nborn && dup_rate > 0 &&
	    (double)(next64() >> 11) * 0x1.0p-53 < dup_rate) {
		uint32_t n = nborn < RING ? (uint32_t)nborn : RING;
		p = ring[below(n)];
		perturb(&p, &m);
	} else {
		if (nborn && per10k(300)) {
			uint32_t n = nborn < RING ? (uint32_t)nborn : RING;
			struct person h = ring[below(n)];
			new_household(&p, &h);
		} else {
			new_person(&p);
		}
		ring[(nborn - 1) % RING] = p;
	}

	add_id(set_str(F_ID), 'p', row);
	render_names(&p, &m);
	render_email(&p);
	render_phone(&p);
	render_dob(&p);
	render_address(&p);
	render_signup(&p);
	render_numbers(&p);
	render_notes();
	for (f = 0; f < NFIELDS; f++)
		if (m.drop & (1u << f))
			rec[f].kind = below(2) ? K_NULL : K_ABSENT;

	if (truth) {
		add_id(&tbuf, 'p', row);
		dq_buf_addch(&tbuf, '\t');
		add_id(&tbuf, 'e', p.entity);
		dq_buf_addch(&tbuf, '\n');
		if (tbuf.len >= FLUSH_AT)
			flush_to(truth, &tbuf, truth_name);
	}
}

/* After a usage message: the synopsis and where to read more. */
static void __attribute__((noreturn))
usage_exit(void)
{
	fprintf(stderr, "%.*sTry 'dq-gen --help' for more information.\n",
		(int)(strstr(usage_text, "\n\n") + 1 - usage_text), usage_text);
	exit(2);
}

static void __attribute__((noreturn))
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", dq_progname);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage_exit();
}

/* A seed: any 64-bit value, which cli/opt.h's signed range cannot
 * hold; the message has its shape. */
static uint64_t
parse_seed(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end)
		usage_error("--seed: '%s' is not a whole number from 0 to "
			    "18446744073709551615", s);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dup-rate", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "rows", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "truth", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t rows = 1000, seed = 1, row;
	double dup_rate = 0.1;
	static const char *const formats[] = { "ndjson", "csv", NULL };
	int csv = 0, c, f;
	long long n;
	size_t i;

	dq_run_setup("dq-gen");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:f:hn:s:t:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			if (dq_opt_double("dup-rate", optarg, 0, 1, &dup_rate))
				usage_exit();
			break;
		case 'f':
			if (dq_opt_enum("format", optarg, formats, &csv))
				usage_exit();
			break;
		case 'h':
			fputs(usage_text, stdout);
			close_out(stdout, NULL);
			return 0;
		case 'n':
			if (dq_opt_int("rows", optarg, 0, 9999999999LL, &n))
				usage_exit();
			rows = (uint64_t)n;
			break;
		case 's':
			seed = parse_seed(optarg);
			break;
		case 't':
			truth_name = optarg;
			break;
		case 'V':
			printf("dq-gen %s\n", DQ_VERSION);
			close_out(stdout, NULL);
			return 0;
		case ':':
			usage_error("option '%s' needs a value",
				    argv[optind - 1]);
			break;
		default:
			if (optopt) {
				char opt[3] = { '-', (char)optopt, '\0' };
				usage_error("option '%s' is unknown", opt);
			}
			usage_error("option '%s' is unknown", argv[optind - 1]);
			break;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);

	if (truth_name && !(truth = fopen(truth_name, "w")))
		dq_die("%s: %s", truth_name, strerror(errno));

	for (i = 0; i < NELEM(firsts); i++)
		first_ascii[i] = fold_name(firsts[i].name);
	for (i = 0; i < NELEM(lasts); i++)
		last_ascii[i] = fold_name(lasts[i]);
	ring = dq_xcalloc(RING, sizeof(*ring));
	for (f = 0; f < NFIELDS; f++)
		dq_buf_init(&rec[f].v, f == F_NOTES ? 8192 : 64);
	dq_buf_init(&out, FLUSH_AT + 65536);
	init_json_esc();
	dq_rng_seed(&rng, seed);

	if (csv) {
		for (f = 0; f < NFIELDS; f++) {
			if (f)
				dq_buf_addch(&out, ',');
			dq_buf_addstr(&out, field_names[f]);
		}
		dq_buf_add(&out, "\r\n", 2);
	}
	for (row = 1; row <= rows; row++) {
		make_record(row, dup_rate);
		if (csv)
			emit_csv();
		else
			emit_ndjson();
		if (out.len >= FLUSH_AT)
			flush_to(stdout, &out, NULL);
	}
	flush_to(stdout, &out, NULL);
	close_out(stdout, NULL);
	if (truth) {
		flush_to(truth, &tbuf, truth_name);
		close_out(truth, truth_name);
	}

	for (i = 0; i < NELEM(firsts); i++)
		free(first_ascii[i]);
	for (i = 0; i < NELEM(lasts); i++)
		free(last_ascii[i]);
	for (f = 0; f < NFIELDS; f++)
		dq_buf_release(&rec[f].v);
	dq_buf_release(&out);
	dq_keyset_release(&emails_taken);
	dq_buf_release(&tbuf);
	free(ring);
	return 0;
}
