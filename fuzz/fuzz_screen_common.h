/* A small question bank and framework for the screen fuzz targets. */
#ifndef DURESS_FUZZ_SCREEN_COMMON_H
#define DURESS_FUZZ_SCREEN_COMMON_H

static const char FUZZ_BANK[] =
	"{\"id\":\"questions\",\"version\":\"f\",\"title\":\"t\",\"intro\":\"t\",\"questions\":["
	"{\"id\":\"age\",\"kind\":\"age\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"sector\",\"kind\":\"text\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"threats_to_person\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"threats_to_family\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"documents_taken\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"debt_bondage\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"wages_withheld\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"physical_violence\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"sexual_violence\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"commercial_sex\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"},"
	"{\"id\":\"low_or_no_pay\",\"kind\":\"yes_no\",\"section\":\"s\",\"text\":\"t\"}]}";

/* Uses every kind of expression: at_least over a selection, age, option, not, notes. */
static const char FUZZ_FW[] =
	"{\"id\":\"f\",\"version\":\"1\",\"title\":\"t\",\"summary\":\"s\","
	"\"citations\":[{\"text\":\"c\",\"verification\":\"S\"}],"
	"\"verification\":[{\"part\":\"rule\",\"status\":\"U\"}],"
	"\"options\":[{\"id\":\"o\",\"default\":false,\"text\":\"t\"}],"
	"\"indicators\":["
	"{\"id\":\"f.a\",\"label\":\"a\",\"group\":\"g\",\"strength\":\"strong\",\"verification\":\"S\","
	"\"facts\":[\"threats_to_person\",\"threats_to_family\"],\"only_if\":{\"age\":\"adult\"}},"
	"{\"id\":\"f.b\",\"label\":\"b\",\"group\":\"g\",\"strength\":\"medium\",\"verification\":\"S\","
	"\"facts\":[\"documents_taken\",\"debt_bondage\",\"wages_withheld\"]},"
	"{\"id\":\"f.c\",\"label\":\"c\",\"group\":\"g\",\"strength\":\"weak\",\"verification\":\"U\","
	"\"facts\":[\"physical_violence\",\"sexual_violence\"],\"only_if\":{\"not\":{\"option\":\"o\"}}},"
	"{\"id\":\"f.m\",\"label\":\"m\",\"group\":\"m\",\"verification\":\"V\","
	"\"facts\":[\"commercial_sex\"],\"only_if\":{\"age\":\"minor\"}},"
	"{\"id\":\"f.p\",\"label\":\"p\",\"group\":\"p\",\"verification\":\"V\",\"facts\":[\"low_or_no_pay\"]}],"
	"\"elements\":["
	"{\"id\":\"g\",\"label\":\"g\",\"rule_text\":\"r\",\"rule\":{\"any\":["
	"{\"at_least\":2,\"of_indicators\":{\"group\":\"g\",\"strength\":[\"strong\",\"medium\"]}},"
	"{\"all\":[{\"at_least\":1,\"of_indicators\":{\"group\":\"g\"}},{\"indicator\":\"f.p\"}]}]}},"
	"{\"id\":\"h\",\"label\":\"h\",\"rule_text\":\"r\",\"rule\":{\"at_least\":1,\"of\":["
	"{\"element\":\"g\"},{\"indicator\":\"f.m\"}]}}],"
	"\"verdict\":{\"rule\":{\"any\":[{\"all\":[{\"age\":\"adult\"},{\"element\":\"g\"}]},"
	"{\"all\":[{\"age\":\"minor\"},{\"element\":\"h\"}]}]},\"rule_text\":\"r\","
	"\"indicated\":\"i\",\"not_indicated\":\"n\",\"insufficient_information\":\"u\"},"
	"\"notes\":[{\"when\":{\"all\":[{\"indicator\":\"f.p\"},{\"not\":{\"element\":\"g\"}}]},"
	"\"text\":\"labour-rights concern, not trafficking\"}]}";

#endif
