"""Real communes with their postal codes, and departments' populations (thousands, rounded).

Structures are placed in these communes so that the postal code always matches the
department (territoires.postal rules). The population weighs how many structures
and cases a department gets. A few communes per department are enough for
realistic lists and searches; Bretagne and Pays de la Loire (the demo) get more.
"""

# department code -> (population in thousands, [(commune, postal code), ...])
COMMUNES: dict[str, tuple[int, list[tuple[str, str]]]] = {
    "01": (
        660,
        [("Bourg-en-Bresse", "01000"), ("Oyonnax", "01100"), ("Ambérieu-en-Bugey", "01500")],
    ),
    "02": (525, [("Laon", "02000"), ("Saint-Quentin", "02100"), ("Soissons", "02200")]),
    "03": (335, [("Moulins", "03000"), ("Montluçon", "03100"), ("Vichy", "03200")]),
    "04": (165, [("Digne-les-Bains", "04000"), ("Manosque", "04100"), ("Sisteron", "04200")]),
    "05": (140, [("Gap", "05000"), ("Briançon", "05100"), ("Embrun", "05200")]),
    "06": (
        1100,
        [("Nice", "06000"), ("Cannes", "06400"), ("Antibes", "06600"), ("Grasse", "06130")],
    ),
    "07": (330, [("Privas", "07000"), ("Annonay", "07100"), ("Aubenas", "07200")]),
    "08": (270, [("Charleville-Mézières", "08000"), ("Sedan", "08200"), ("Rethel", "08300")]),
    "09": (155, [("Foix", "09000"), ("Pamiers", "09100"), ("Saint-Girons", "09200")]),
    "10": (310, [("Troyes", "10000"), ("Romilly-sur-Seine", "10100"), ("Bar-sur-Aube", "10200")]),
    "11": (375, [("Carcassonne", "11000"), ("Narbonne", "11100"), ("Castelnaudary", "11400")]),
    "12": (280, [("Rodez", "12000"), ("Millau", "12100"), ("Villefranche-de-Rouergue", "12200")]),
    "13": (
        2050,
        [
            ("Marseille", "13001"),
            ("Aix-en-Provence", "13100"),
            ("Arles", "13200"),
            ("Martigues", "13500"),
        ],
    ),
    "14": (
        700,
        [("Caen", "14000"), ("Lisieux", "14100"), ("Bayeux", "14400"), ("Vire Normandie", "14500")],
    ),
    "15": (145, [("Aurillac", "15000"), ("Saint-Flour", "15100"), ("Mauriac", "15200")]),
    "16": (350, [("Angoulême", "16000"), ("Cognac", "16100"), ("Confolens", "16500")]),
    "17": (
        660,
        [
            ("La Rochelle", "17000"),
            ("Saintes", "17100"),
            ("Rochefort", "17300"),
            ("Royan", "17200"),
        ],
    ),
    "18": (300, [("Bourges", "18000"), ("Vierzon", "18100"), ("Saint-Amand-Montrond", "18200")]),
    "19": (240, [("Tulle", "19000"), ("Brive-la-Gaillarde", "19100"), ("Ussel", "19200")]),
    "2A": (160, [("Ajaccio", "20000"), ("Porto-Vecchio", "20137"), ("Sartène", "20100")]),
    "2B": (185, [("Bastia", "20200"), ("Corte", "20250"), ("Calvi", "20260")]),
    "21": (535, [("Dijon", "21000"), ("Beaune", "21200"), ("Montbard", "21500")]),
    "22": (
        605,
        [
            ("Saint-Brieuc", "22000"),
            ("Lannion", "22300"),
            ("Dinan", "22100"),
            ("Guingamp", "22200"),
            ("Lamballe-Armor", "22400"),
            ("Loudéac", "22600"),
        ],
    ),
    "23": (115, [("Guéret", "23000"), ("Aubusson", "23200"), ("La Souterraine", "23300")]),
    "24": (415, [("Périgueux", "24000"), ("Bergerac", "24100"), ("Sarlat-la-Canéda", "24200")]),
    "25": (545, [("Besançon", "25000"), ("Montbéliard", "25200"), ("Pontarlier", "25300")]),
    "26": (520, [("Valence", "26000"), ("Montélimar", "26200"), ("Romans-sur-Isère", "26100")]),
    "27": (
        600,
        [("Évreux", "27000"), ("Vernon", "27200"), ("Louviers", "27400"), ("Bernay", "27300")],
    ),
    "28": (430, [("Chartres", "28000"), ("Dreux", "28100"), ("Châteaudun", "28200")]),
    "29": (
        920,
        [
            ("Quimper", "29000"),
            ("Brest", "29200"),
            ("Morlaix", "29600"),
            ("Quimperlé", "29300"),
            ("Landerneau", "29800"),
            ("Concarneau", "29900"),
            ("Douarnenez", "29100"),
        ],
    ),
    "30": (
        750,
        [
            ("Nîmes", "30000"),
            ("Alès", "30100"),
            ("Bagnols-sur-Cèze", "30200"),
            ("Le Vigan", "30120"),
        ],
    ),
    "31": (
        1420,
        [
            ("Toulouse", "31000"),
            ("Muret", "31600"),
            ("Saint-Gaudens", "31800"),
            ("Colomiers", "31770"),
        ],
    ),
    "32": (190, [("Auch", "32000"), ("Condom", "32100"), ("Mirande", "32300")]),
    "33": (
        1650,
        [
            ("Bordeaux", "33000"),
            ("Libourne", "33500"),
            ("Arcachon", "33120"),
            ("Mérignac", "33700"),
            ("Langon", "33210"),
        ],
    ),
    "34": (
        1200,
        [("Montpellier", "34000"), ("Béziers", "34500"), ("Sète", "34200"), ("Lodève", "34700")],
    ),
    "35": (
        1100,
        [
            ("Rennes", "35000"),
            ("Saint-Malo", "35400"),
            ("Fougères", "35300"),
            ("Vitré", "35500"),
            ("Redon", "35600"),
            ("Cesson-Sévigné", "35510"),
            ("Bruz", "35170"),
            ("Montfort-sur-Meu", "35160"),
        ],
    ),
    "36": (215, [("Châteauroux", "36000"), ("Issoudun", "36100"), ("Le Blanc", "36300")]),
    "37": (
        610,
        [("Tours", "37000"), ("Amboise", "37400"), ("Chinon", "37500"), ("Loches", "37600")],
    ),
    "38": (
        1280,
        [
            ("Grenoble", "38000"),
            ("Vienne", "38200"),
            ("Bourgoin-Jallieu", "38300"),
            ("Voiron", "38500"),
        ],
    ),
    "39": (255, [("Lons-le-Saunier", "39000"), ("Dole", "39100"), ("Saint-Claude", "39200")]),
    "40": (420, [("Mont-de-Marsan", "40000"), ("Dax", "40100"), ("Biscarrosse", "40600")]),
    "41": (330, [("Blois", "41000"), ("Vendôme", "41100"), ("Romorantin-Lanthenay", "41200")]),
    "42": (770, [("Saint-Étienne", "42000"), ("Roanne", "42300"), ("Montbrison", "42600")]),
    "43": (230, [("Le Puy-en-Velay", "43000"), ("Yssingeaux", "43200"), ("Brioude", "43100")]),
    "44": (
        1450,
        [
            ("Nantes", "44000"),
            ("Saint-Nazaire", "44600"),
            ("Châteaubriant", "44110"),
            ("Rezé", "44400"),
            ("Ancenis-Saint-Géréon", "44150"),
            ("Guérande", "44350"),
            ("Clisson", "44190"),
            ("Saint-Herblain", "44800"),
        ],
    ),
    "45": (
        685,
        [("Orléans", "45000"), ("Montargis", "45200"), ("Pithiviers", "45300"), ("Gien", "45500")],
    ),
    "46": (175, [("Cahors", "46000"), ("Figeac", "46100"), ("Gourdon", "46300")]),
    "47": (
        330,
        [
            ("Agen", "47000"),
            ("Villeneuve-sur-Lot", "47300"),
            ("Marmande", "47200"),
            ("Nérac", "47600"),
        ],
    ),
    "48": (76, [("Mende", "48000"), ("Florac Trois Rivières", "48400"), ("Marvejols", "48100")]),
    "49": (
        820,
        [
            ("Angers", "49000"),
            ("Cholet", "49300"),
            ("Saumur", "49400"),
            ("Segré-en-Anjou Bleu", "49500"),
            ("Beaupréau-en-Mauges", "49600"),
        ],
    ),
    "50": (
        495,
        [
            ("Saint-Lô", "50000"),
            ("Cherbourg-en-Cotentin", "50100"),
            ("Coutances", "50200"),
            ("Avranches", "50300"),
        ],
    ),
    "51": (
        565,
        [
            ("Châlons-en-Champagne", "51000"),
            ("Reims", "51100"),
            ("Épernay", "51200"),
            ("Vitry-le-François", "51300"),
        ],
    ),
    "52": (170, [("Chaumont", "52000"), ("Saint-Dizier", "52100"), ("Langres", "52200")]),
    "53": (
        307,
        [
            ("Laval", "53000"),
            ("Mayenne", "53100"),
            ("Château-Gontier-sur-Mayenne", "53200"),
            ("Évron", "53600"),
            ("Craon", "53400"),
        ],
    ),
    "54": (
        730,
        [("Nancy", "54000"), ("Lunéville", "54300"), ("Toul", "54200"), ("Briey", "54150")],
    ),
    "55": (180, [("Bar-le-Duc", "55000"), ("Verdun", "55100"), ("Commercy", "55200")]),
    "56": (
        760,
        [
            ("Vannes", "56000"),
            ("Lorient", "56100"),
            ("Pontivy", "56300"),
            ("Auray", "56400"),
            ("Ploërmel", "56800"),
            ("Hennebont", "56700"),
        ],
    ),
    "57": (
        1045,
        [
            ("Metz", "57000"),
            ("Thionville", "57100"),
            ("Forbach", "57600"),
            ("Sarreguemines", "57200"),
        ],
    ),
    "58": (200, [("Nevers", "58000"), ("Cosne-Cours-sur-Loire", "58200"), ("Clamecy", "58500")]),
    "59": (
        2610,
        [
            ("Lille", "59000"),
            ("Roubaix", "59100"),
            ("Tourcoing", "59200"),
            ("Dunkerque", "59140"),
            ("Valenciennes", "59300"),
            ("Douai", "59500"),
        ],
    ),
    "60": (
        830,
        [("Beauvais", "60000"), ("Compiègne", "60200"), ("Creil", "60100"), ("Senlis", "60300")],
    ),
    "61": (275, [("Alençon", "61000"), ("Flers", "61100"), ("Argentan", "61200")]),
    "62": (
        1460,
        [
            ("Arras", "62000"),
            ("Calais", "62100"),
            ("Boulogne-sur-Mer", "62200"),
            ("Lens", "62300"),
            ("Béthune", "62400"),
        ],
    ),
    "63": (
        665,
        [
            ("Clermont-Ferrand", "63000"),
            ("Riom", "63200"),
            ("Thiers", "63300"),
            ("Issoire", "63500"),
        ],
    ),
    "64": (
        690,
        [
            ("Pau", "64000"),
            ("Bayonne", "64100"),
            ("Biarritz", "64200"),
            ("Oloron-Sainte-Marie", "64400"),
        ],
    ),
    "65": (230, [("Tarbes", "65000"), ("Lourdes", "65100"), ("Bagnères-de-Bigorre", "65200")]),
    "66": (485, [("Perpignan", "66000"), ("Prades", "66500"), ("Céret", "66400")]),
    "67": (
        1150,
        [
            ("Strasbourg", "67000"),
            ("Haguenau", "67500"),
            ("Sélestat", "67600"),
            ("Saverne", "67700"),
        ],
    ),
    "68": (770, [("Colmar", "68000"), ("Mulhouse", "68100"), ("Guebwiller", "68500")]),
    "69": (
        1900,
        [
            ("Lyon", "69001"),
            ("Villeurbanne", "69100"),
            ("Villefranche-sur-Saône", "69400"),
            ("Vénissieux", "69200"),
        ],
    ),
    "70": (235, [("Vesoul", "70000"), ("Lure", "70200"), ("Gray", "70100")]),
    "71": (
        550,
        [
            ("Mâcon", "71000"),
            ("Chalon-sur-Saône", "71100"),
            ("Le Creusot", "71200"),
            ("Autun", "71400"),
        ],
    ),
    "72": (
        565,
        [
            ("Le Mans", "72000"),
            ("La Flèche", "72200"),
            ("Sablé-sur-Sarthe", "72300"),
            ("Mamers", "72600"),
            ("La Ferté-Bernard", "72400"),
        ],
    ),
    "73": (440, [("Chambéry", "73000"), ("Albertville", "73200"), ("Aix-les-Bains", "73100")]),
    "74": (
        840,
        [
            ("Annecy", "74000"),
            ("Thonon-les-Bains", "74200"),
            ("Annemasse", "74100"),
            ("Bonneville", "74130"),
        ],
    ),
    "75": (
        2130,
        [
            ("Paris", "75011"),
            ("Paris", "75018"),
            ("Paris", "75020"),
            ("Paris", "75013"),
            ("Paris", "75010"),
        ],
    ),
    "76": (
        1250,
        [("Rouen", "76000"), ("Le Havre", "76600"), ("Dieppe", "76200"), ("Fécamp", "76400")],
    ),
    "77": (
        1430,
        [("Melun", "77000"), ("Meaux", "77100"), ("Fontainebleau", "77300"), ("Provins", "77160")],
    ),
    "78": (
        1450,
        [
            ("Versailles", "78000"),
            ("Mantes-la-Jolie", "78200"),
            ("Rambouillet", "78120"),
            ("Saint-Germain-en-Laye", "78100"),
        ],
    ),
    "79": (375, [("Niort", "79000"), ("Bressuire", "79300"), ("Parthenay", "79200")]),
    "80": (570, [("Amiens", "80000"), ("Abbeville", "80100"), ("Péronne", "80200")]),
    "81": (390, [("Albi", "81000"), ("Castres", "81100"), ("Gaillac", "81600")]),
    "82": (260, [("Montauban", "82000"), ("Castelsarrasin", "82100"), ("Moissac", "82200")]),
    "83": (
        1080,
        [("Toulon", "83000"), ("Draguignan", "83300"), ("Fréjus", "83600"), ("Brignoles", "83170")],
    ),
    "84": (
        560,
        [("Avignon", "84000"), ("Carpentras", "84200"), ("Apt", "84400"), ("Orange", "84100")],
    ),
    "85": (
        690,
        [
            ("La Roche-sur-Yon", "85000"),
            ("Les Sables-d'Olonne", "85100"),
            ("Fontenay-le-Comte", "85200"),
            ("Challans", "85300"),
            ("Les Herbiers", "85500"),
            ("Luçon", "85400"),
        ],
    ),
    "86": (440, [("Poitiers", "86000"), ("Châtellerault", "86100"), ("Montmorillon", "86500")]),
    "87": (370, [("Limoges", "87000"), ("Saint-Junien", "87200"), ("Bellac", "87300")]),
    "88": (
        365,
        [
            ("Épinal", "88000"),
            ("Saint-Dié-des-Vosges", "88100"),
            ("Remiremont", "88200"),
            ("Neufchâteau", "88300"),
        ],
    ),
    "89": (335, [("Auxerre", "89000"), ("Sens", "89100"), ("Avallon", "89200")]),
    "90": (140, [("Belfort", "90000"), ("Delle", "90100"), ("Valdoie", "90300")]),
    "91": (
        1300,
        [
            ("Évry-Courcouronnes", "91000"),
            ("Corbeil-Essonnes", "91100"),
            ("Étampes", "91150"),
            ("Palaiseau", "91120"),
        ],
    ),
    "92": (
        1630,
        [
            ("Nanterre", "92000"),
            ("Boulogne-Billancourt", "92100"),
            ("Gennevilliers", "92230"),
            ("Antony", "92160"),
        ],
    ),
    "93": (
        1660,
        [
            ("Bobigny", "93000"),
            ("Saint-Denis", "93200"),
            ("Montreuil", "93100"),
            ("Aubervilliers", "93300"),
        ],
    ),
    "94": (
        1410,
        [
            ("Créteil", "94000"),
            ("Vitry-sur-Seine", "94400"),
            ("Ivry-sur-Seine", "94200"),
            ("Champigny-sur-Marne", "94500"),
        ],
    ),
    "95": (
        1250,
        [
            ("Cergy", "95000"),
            ("Argenteuil", "95100"),
            ("Sarcelles", "95200"),
            ("Pontoise", "95300"),
        ],
    ),
    "971": (380, [("Basse-Terre", "97100"), ("Pointe-à-Pitre", "97110"), ("Les Abymes", "97139")]),
    "972": (355, [("Fort-de-France", "97200"), ("Le Lamentin", "97232"), ("Le Robert", "97231")]),
    "973": (290, [("Cayenne", "97300"), ("Saint-Laurent-du-Maroni", "97320"), ("Kourou", "97310")]),
    "974": (
        870,
        [
            ("Saint-Denis", "97400"),
            ("Saint-Pierre", "97410"),
            ("Le Port", "97420"),
            ("Saint-Paul", "97460"),
        ],
    ),
    "976": (310, [("Mamoudzou", "97600"), ("Dzaoudzi", "97615"), ("Koungou", "97690")]),
}
