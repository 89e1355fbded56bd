"""Demo: the catalogue of VRAC Drôme (invented suppliers and producers, plausible origins and prices).

Idempotent: suppliers by (association, name), products by (supplier, reference); a product's price
history is only written when the product is first created, so a second run changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from grappe.members.models import Member
from grappe.network.models import Association, BuyingGroup, Commune

from . import references, services
from .models import Family, GroupSelection, PriceTier, Product, Suggestion, SuggestionVote, Supplier

D = Decimal
K = Supplier.Kind

SUPPLIERS = [
    # name, kind, commune, km, labels, contact, delivery days, lead days, min amount, min packs, free from,
    # payment, transport EUR/kg, notes
    ("GAEC du Serre de Vanige", K.PRODUCER, "Eurre", "28", "Agriculture biologique", "Mathieu Roux",
     "Mardi matin", 7, None, 4, None, "À réception, par virement", "0", "Légumineuses cultivées en plaine de Drôme."),
    ("Moulin de la Gervanne", K.SMALL_COMPANY, "Beaufort-sur-Gervanne", "42", "Agriculture biologique",
     "Hélène Blanc", "Jeudi", 10, "150.00", None, "300.00", "30 jours, virement", "0",
     "Moulin à meules de pierre ; farines et pâtes de blés de la vallée de la Drôme."),
    ("Riziculteurs de Camargue", K.PRODUCERS_GROUP, "", "190", "Agriculture biologique", "Jean Vidal",
     "Livraison groupée le 1er lundi du mois", 14, "400.00", None, "600.00", "30 jours, virement", "0.06", ""),
    ("Huilerie du Royans", K.PRODUCER, "Saint-Jean-en-Royans", "35", "Agriculture biologique", "Lucie Faure",
     "Sur rendez-vous", 7, None, 2, None, "À réception, chèque ou virement", "0", ""),
    ("Solimar Équitable", K.FAIR_TRADE_IMPORTER, "Valence", "20", "Commerce équitable, bio",
     "Samir Haddad", "Mercredi", 5, "200.00", None, "400.00", "30 jours, virement", "0.04",
     "Importateur de produits équitables : huile d'olive, café, chocolat, sucre, dattes."),
    ("Grossiste Rhône-Alpes Bio", K.WHOLESALER, "Valence", "20", "Agriculture biologique",
     "Service commercial", "Lundi et jeudi", 3, "250.00", None, "500.00", "30 jours fin de mois", "0.05", ""),
    ("Noix et vergers de la Valdaine", K.COOPERATIVE, "Dieulefit", "58", "Agriculture biologique",
     "Anne Girard", "Vendredi", 7, None, None, None, "À réception", "0", "Coopérative de producteurs."),
    ("Agrumes solidaires de Sicile et de Corse", K.PRODUCERS_GROUP, "", "600", "Agriculture biologique",
     "Paolo Russo", "Toutes les deux semaines, de novembre à avril", 10, "300.00", 20, None,
     "À la commande, 50 % ; solde à réception", "0.15", "Caisses de 10 kg ; hors saison : pas de livraison."),
    ("Savonnerie de Dieulefit", K.SMALL_COMPANY, "Dieulefit", "58", "Cosmétique bio (Cosmébio)",
     "Marc Morel", "Mardi", 7, "100.00", None, None, "30 jours", "0", ""),
]

F = Family
P = Product.Unit
# supplier, family, reference, name, unit, pack, pack price excl. VAT, VAT, step, bulk, place, region, country,
# producer, conditions, organic, fair, local km, allergens, weight per unit, max per member
PRODUCTS = [
    ("GAEC du Serre de Vanige", F.PULSES, "LV25", "Lentilles vertes", P.KG, "25", "55.00", "5.5", "0.5", True,
     "Eurre", "Drôme", "France", "GAEC du Serre de Vanige (Mathieu et Julie Roux)",
     "Cultivées sans irrigation en rotation avec les céréales ; triées et ensachées à la ferme.", True, False, 30,
     "", "1", None),
    ("GAEC du Serre de Vanige", F.PULSES, "LV5", "Lentilles vertes, sac de 5 kg", P.KG, "5", "12.50", "5.5", "0.5",
     True, "Eurre", "Drôme", "France", "GAEC du Serre de Vanige", "Les mêmes lentilles, en petit sac.", True, False,
     30, "", "1", None),
    ("GAEC du Serre de Vanige", F.PULSES, "PC25", "Pois chiches", P.KG, "25", "60.00", "5.5", "0.5", True, "Eurre",
     "Drôme", "France", "GAEC du Serre de Vanige", "Cultivés en sec, récoltés en juillet.", True, False, 30, "", "1",
     None),
    ("GAEC du Serre de Vanige", F.PULSES, "PS25", "Pois cassés", P.KG, "25", "50.00", "5.5", "0.5", True, "Eurre",
     "Drôme", "France", "GAEC du Serre de Vanige", "Pois secs décortiqués et cassés à la ferme.", True, False, 30,
     "", "1", None),
    ("Grossiste Rhône-Alpes Bio", F.PULSES, "GR-LCOR25", "Lentilles corail", P.KG, "25", "62.50", "5.5", "0.5", True,
     "", "Anatolie", "Turquie", "Coopérative partenaire du grossiste", "Lentilles décortiquées, cuisson rapide.",
     True, False, None, "", "1", None),
    ("Grossiste Rhône-Alpes Bio", F.PULSES, "GR-HB5", "Haricots blancs lingots", P.KG, "5", "21.00", "5.5", "0.5",
     True, "", "Vendée", "France", "Producteurs vendéens", "", True, False, None, "", "1", None),
    ("Riziculteurs de Camargue", F.CEREALS, "RDC25", "Riz demi-complet", P.KG, "25", "57.50", "5.5", "0.5", True,
     "Arles", "Camargue", "France", "Riziculteurs de Camargue", "Riz long cultivé en Camargue, semi-décortiqué.",
     True, False, None, "", "1", None),
    ("Riziculteurs de Camargue", F.CEREALS, "RB5", "Riz blanc long", P.KG, "5", "13.50", "5.5", "0.5", True, "Arles",
     "Camargue", "France", "Riziculteurs de Camargue", "", True, False, None, "", "1", None),
    ("Moulin de la Gervanne", F.CEREALS, "MG-COQ5", "Pâtes coquillettes", P.KG, "5", "16.00", "5.5", "0.5", True,
     "Beaufort-sur-Gervanne", "Drôme", "France", "Moulin de la Gervanne",
     "Blé dur de la Drôme, séché lentement à basse température.", True, False, 45, "Gluten (blé)", "1", None),
    ("Moulin de la Gervanne", F.CEREALS, "MG-SPA5", "Spaghetti", P.KG, "5", "16.50", "5.5", "0.5", True,
     "Beaufort-sur-Gervanne", "Drôme", "France", "Moulin de la Gervanne", "Blé dur de la Drôme, tréfilés au bronze.",
     True, False, 45, "Gluten (blé)", "1", None),
    ("Moulin de la Gervanne", F.CEREALS, "MG-SEM5", "Semoule de blé complète", P.KG, "5", "11.00", "5.5", "0.5",
     True, "Beaufort-sur-Gervanne", "Drôme", "France", "Moulin de la Gervanne", "", True, False, 45, "Gluten (blé)",
     "1", None),
    ("Grossiste Rhône-Alpes Bio", F.CEREALS, "GR-BOU5", "Boulgour", P.KG, "5", "13.00", "5.5", "0.5", True, "",
     "Occitanie", "France", "", "", True, False, None, "Gluten (blé)", "1", None),
    ("Grossiste Rhône-Alpes Bio", F.CEREALS, "GR-QUI5", "Quinoa", P.KG, "5", "32.00", "5.5", "0.5", True, "",
     "Anjou", "France", "Producteurs de l'Anjou", "", True, False, None, "", "1", "2"),
    ("GAEC du Serre de Vanige", F.CEREALS, "POL5", "Polenta (semoule de maïs)", P.KG, "5", "9.50", "5.5", "0.5", True,
     "Eurre", "Drôme", "France", "GAEC du Serre de Vanige", "Maïs population, moulu à la ferme.", True, False, 30, "",
     "1", None),
    ("Moulin de la Gervanne", F.BAKERY, "MG-T65-25", "Farine de blé T65", P.KG, "25", "27.50", "5.5", "1", True,
     "Beaufort-sur-Gervanne", "Drôme", "France", "Moulin de la Gervanne", "Moulue sur meules de pierre.", True, False,
     45, "Gluten (blé)", "1", None),
    ("Moulin de la Gervanne", F.BAKERY, "MG-T80-5", "Farine de blé T80 (semi-complète)", P.KG, "5", "6.50", "5.5",
     "1", True, "Beaufort-sur-Gervanne", "Drôme", "France", "Moulin de la Gervanne", "", True, False, 45,
     "Gluten (blé)", "1", None),
    ("Moulin de la Gervanne", F.BAKERY, "MG-PE5", "Farine de petit épeautre", P.KG, "5", "19.00", "5.5", "0.5", True,
     "Sault", "Haute-Provence", "France", "Producteurs du plateau d'Albion", "", True, False, None, "Gluten (épeautre)",
     "1", None),
    ("Huilerie du Royans", F.OILS, "HT5", "Huile de tournesol", P.LITRE, "5", "26.50", "5.5", "1", False,
     "Saint-Jean-en-Royans", "Drôme", "France", "Huilerie du Royans", "Première pression à froid.", True, False, 40,
     "", "0.92", None),
    ("Solimar Équitable", F.OILS, "SE-OLI5", "Huile d'olive vierge extra", P.LITRE, "5", "52.00", "5.5", "1", False,
     "Jénine", "Cisjordanie", "Palestine", "Coopérative d'oléiculteurs de Jénine",
     "Olives cueillies à la main, pressées à froid ; prix garanti aux producteurs.", True, True, None, "", "0.92",
     "5"),
    ("Grossiste Rhône-Alpes Bio", F.OILS, "GR-VIN5", "Vinaigre de cidre", P.LITRE, "5", "9.00", "5.5", "1", False,
     "", "Normandie", "France", "", "", True, False, None, "", "1", None),
    ("Riziculteurs de Camargue", F.OILS, "SEL5", "Sel de Camargue", P.KG, "5", "4.50", "5.5", "0.5", True,
     "Aigues-Mortes", "Camargue", "France", "Paludiers de Camargue", "Sel marin récolté à la main.", False, False,
     None, "", "1", None),
    ("Grossiste Rhône-Alpes Bio", F.OILS, "GR-TOM12", "Coulis de tomates (bocal de 700 g)", P.PIECE, "12", "23.40",
     "5.5", "1", False, "", "Provence", "France", "Conserverie provençale", "", True, False, None, "", "1.1", None),
    ("Solimar Équitable", F.BREAKFAST, "SE-CAF12", "Café arabica moulu (250 g)", P.PIECE, "12", "39.00", "5.5", "1",
     False, "Cajamarca", "Andes", "Pérou", "Coopérative de caféiculteurs de Cajamarca",
     "Café d'altitude cultivé sous ombrage ; prime équitable versée à la coopérative.", True, True, None, "", "0.25",
     None),
    ("Solimar Équitable", F.BREAKFAST, "SE-CHO20", "Chocolat noir 70 % (tablette de 100 g)", P.PIECE, "20", "30.00",
     "5.5", "1", False, "", "Province de Duarte", "République dominicaine", "Coopérative de cacaoculteurs",
     "", True, True, None, "Peut contenir des traces de lait et de noisettes", "0.1", None),
    ("Solimar Équitable", F.BREAKFAST, "SE-SUC5", "Sucre de canne complet", P.KG, "5", "16.00", "5.5", "0.5", True,
     "", "Guairá", "Paraguay", "Coopérative de producteurs de canne", "", True, True, None, "", "1", None),
    ("Grossiste Rhône-Alpes Bio", F.BREAKFAST, "GR-AVO10", "Flocons d'avoine", P.KG, "10", "22.00", "5.5", "0.5",
     True, "", "Auvergne", "France", "", "", True, False, None, "Gluten (avoine)", "1", None),
    ("Noix et vergers de la Valdaine", F.BREAKFAST, "NV-MIEL12", "Miel de lavande (pot de 500 g)", P.PIECE, "12",
     "78.00", "5.5", "1", False, "Dieulefit", "Drôme provençale", "France", "Rucher des Hauts de Dieulefit",
     "Ruches transhumantes sur les lavandes du plateau.", True, False, 60, "", "0.6", "2"),
    ("Noix et vergers de la Valdaine", F.BREAKFAST, "NV-CONF12", "Confiture d'abricot (pot de 350 g)", P.PIECE, "12",
     "36.00", "5.5", "1", False, "La Bégude-de-Mazenc", "Drôme", "France", "Vergers de la Valdaine",
     "Abricots des vergers de la coopérative, 55 % de fruits.", True, False, 60, "", "0.5", None),
    ("Noix et vergers de la Valdaine", F.DRIED_FRUIT, "NV-NOIX5", "Cerneaux de noix", P.KG, "5", "55.00", "5.5",
     "0.25", True, "Vinay", "Isère", "France", "Nuciculteurs de la vallée de l'Isère", "AOP Noix de Grenoble.",
     True, False, 80, "Fruits à coque (noix)", "1", "1"),
    ("Grossiste Rhône-Alpes Bio", F.DRIED_FRUIT, "GR-ABR5", "Abricots secs", P.KG, "5", "40.00", "5.5", "0.25", True,
     "Malatya", "Anatolie", "Turquie", "", "Séchés au soleil, sans sulfites.", True, False, None, "", "1", "1"),
    ("Grossiste Rhône-Alpes Bio", F.DRIED_FRUIT, "GR-AMA5", "Amandes décortiquées", P.KG, "5", "52.50", "5.5",
     "0.25", True, "", "Andalousie", "Espagne", "", "", True, False, None, "Fruits à coque (amandes)", "1", "1"),
    ("Grossiste Rhône-Alpes Bio", F.DRIED_FRUIT, "GR-RAI5", "Raisins secs", P.KG, "5", "24.00", "5.5", "0.25", True,
     "", "Égée", "Turquie", "", "", True, False, None, "", "1", None),
    ("Solimar Équitable", F.DRIED_FRUIT, "SE-DAT5", "Dattes Deglet Nour", P.KG, "5", "30.00", "5.5", "0.5", True,
     "Kébili", "Nefzaoua", "Tunisie", "Groupement de phoeniciculteurs de Kébili", "", True, True, None, "", "1", None),
    ("Agrumes solidaires de Sicile et de Corse", F.FRUIT, "AS-ORA10", "Oranges", P.KG, "10", "17.00", "5.5", "1",
     False, "Catane", "Sicile", "Italie", "Coopérative sicilienne d'agrumiculteurs",
     "Vergers en agriculture biologique, ouvriers payés au contrat collectif.", True, False, None, "", "1", None),
    ("Agrumes solidaires de Sicile et de Corse", F.FRUIT, "AS-CLE10", "Clémentines", P.KG, "10", "21.00", "5.5", "1",
     False, "Plaine orientale", "Corse", "France", "Producteurs de la plaine orientale",
     "IGP Clémentine de Corse, cueillies à maturité.", True, False, None, "", "1", None),
    ("Agrumes solidaires de Sicile et de Corse", F.FRUIT, "AS-CIT5", "Citrons", P.KG, "5", "12.50", "5.5", "0.5",
     False, "Syracuse", "Sicile", "Italie", "Coopérative sicilienne d'agrumiculteurs", "", True, False, None, "", "1",
     None),
    ("Noix et vergers de la Valdaine", F.FRUIT, "NV-POM18", "Pommes (variétés de saison)", P.KG, "18", "19.80", "5.5",
     "1", False, "Dieulefit", "Drôme", "France", "Vergers de la Valdaine", "", True, False, 60, "", "1", None),
    ("Savonnerie de Dieulefit", F.HYGIENE, "SD-SAV24", "Savon de Marseille (300 g)", P.PIECE, "24", "62.40", "20",
     "1", False, "Dieulefit", "Drôme", "France", "Savonnerie de Dieulefit", "Saponifié à froid, huiles végétales.",
     True, False, 60, "", "0.3", None),
    ("Savonnerie de Dieulefit", F.HYGIENE, "SD-SL5", "Savon liquide mains", P.LITRE, "5", "27.50", "20", "0.5", True,
     "Dieulefit", "Drôme", "France", "Savonnerie de Dieulefit", "À remplir dans votre flacon.", True, False, 60, "",
     "1.05", None),
    ("Savonnerie de Dieulefit", F.HYGIENE, "SD-LES5", "Lessive liquide", P.LITRE, "5", "24.00", "20", "0.5", True,
     "Dieulefit", "Drôme", "France", "Savonnerie de Dieulefit", "Base savon, sans parfum de synthèse.", True, False,
     60, "", "1.05", None),
    ("Savonnerie de Dieulefit", F.HYGIENE, "SD-VAI5", "Liquide vaisselle", P.LITRE, "5", "15.00", "20", "0.5", True,
     "Dieulefit", "Drôme", "France", "Savonnerie de Dieulefit", "", True, False, 60, "", "1.05", None),
]

# Some prices moved in the last months: (reference, old pack price excl. VAT, days since the change).
OLD_PRICES = {"LV25": ("52.50", 75), "HT5": ("24.90", 40), "SE-CAF12": ("36.00", 120), "AS-ORA10": ("16.00", 30)}

DRY_GOODS = {F.PULSES, F.CEREALS, F.OILS, F.BREAKFAST, F.DRIED_FRUIT, F.BAKERY}
CITRUS = {"AS-ORA10", "AS-CLE10", "AS-CIT5"}

SUGGESTIONS = [
    ("Pois chiches en bocaux, déjà cuits", "Pour les familles qui n'ont pas le temps de les faire tremper.", 5),
    ("Couches lavables", "On en parle au centre social : est-ce qu'un fournisseur local en fait ?", 3),
    ("Lait en poudre bio", "", 2),
    ("Farine de sarrasin", "Pour les galettes, et sans gluten.", 1),
]


# Shop prices seen nearby for a few products (organic, per kg incl. VAT): reference, price, shop, days ago,
# how compared. Organic lentils cost about 4.50 € a kg in a supermarket's 500 g packets; the quinoa is
# cheaper at the discounter than here, which the savings count honestly.
REFERENCE_PRICES = [
    ("LV25", "4.58", "Intermarché Romans-sur-Isère", 20, "same"),
    ("PC25", "4.20", "Intermarché Romans-sur-Isère", 20, "same"),
    ("GR-LCOR25", "5.10", "Biocoop Die", 35, "same"),
    ("RDC25", "3.60", "Leclerc Romans", 12, "similar"),
    ("MG-COQ5", "3.90", "Leclerc Romans", 12, "same"),
    ("GR-QUI5", "6.50", "Lidl Bourg-de-Péage", 8, "similar"),
]


def load(stdout):
    association, _ = Association.objects.get_or_create(slug="vrac-drome", defaults={"name": "VRAC Drôme"})
    communes = {c.name: c for c in Commune.objects.filter(name__in={s[2] for s in SUPPLIERS if s[2]})}
    suppliers = {}
    for (name, kind, town, km, labels, contact, days, lead, min_amount, min_packs, free_from, payment, transport,
         notes) in SUPPLIERS:
        suppliers[name], _ = Supplier.objects.get_or_create(association=association, name=name, defaults={
            "kind": kind, "commune": communes.get(town), "distance_km": D(km), "labels": labels,
            "contact_name": contact, "phone": "04 75 00 00 00", "email": "commandes@fournisseur.example.org",
            "delivery_days": days, "lead_time_days": lead,
            "minimum_order_amount": D(min_amount) if min_amount else None, "minimum_order_packs": min_packs,
            "free_delivery_threshold": D(free_from) if free_from else None, "payment_terms": payment,
            "transport_cost_per_kg": D(transport), "notes": notes,
        })
    now = timezone.now()
    created = 0
    products = []
    for (supplier, family, reference, name, unit, pack, price, vat, step, bulk, place, region, country, producer,
         conditions, organic, fair, local_km, allergens, weight, max_member) in PRODUCTS:
        supplier = suppliers[supplier]
        product = Product.objects.filter(supplier=supplier, reference=reference).first()
        if product is None:
            old = OLD_PRICES.get(reference)
            fields = {
                "family": family, "reference": reference, "name": name, "unit": unit, "pack_size": D(pack),
                "pack_price_excl_vat": D(old[0] if old else price), "vat_rate": D(vat), "order_step": D(step),
                "is_bulk": bulk, "origin_place": place, "origin_region": region, "origin_country": country,
                "producer": producer, "production_conditions": conditions, "is_organic": organic,
                "is_fair_trade": fair, "is_local": local_km is not None, "local_km": local_km,
                "allergens": allergens, "weight_kg_per_unit": D(weight),
                "max_per_member": D(max_member) if max_member else None,
                "created_at": now - timedelta(days=180),
            }
            product = services.create_product(by=None, supplier=supplier, **fields)
            if old:
                services.change_price(by=None, product=product, pack_price_excl_vat=D(price),
                                      valid_from=now - timedelta(days=old[1]))
            created += 1
        products.append(product)

    groups = {g.name: g for g in BuyingGroup.objects.filter(association=association, name__in=["Romans-sur-Isère",
                                                                                                 "Die"])}
    for group_name in ("Romans-sur-Isère", "Die"):
        if group_name not in groups:
            groups[group_name], _ = BuyingGroup.objects.get_or_create(association=association, name=group_name)
    for product in products:
        in_romans = product.family in DRY_GOODS or product.reference in CITRUS
        wanted = [groups["Die"]] + ([groups["Romans-sur-Isère"]] if in_romans else [])
        for group in wanted:
            GroupSelection.objects.get_or_create(group=group, product=product)

    by_reference = {product.reference: product for product in products}
    for reference, price, shop, days_ago, comparison in REFERENCE_PRICES:
        product = by_reference.get(reference)
        if product is not None and not product.reference_prices.exists():  # idempotent: once per product
            references.record_reference(by=None, product=product, price_per_unit=D(price), shop=shop,
                                        observed_on=(now - timedelta(days=days_ago)).date(), comparison=comparison,
                                        now=now)

    PriceTier.objects.get_or_create(association=association, category=Member.Category.SOLIDARITY, defaults={
        "percent": D("10"), "note": "Versé au fonds de solidarité de l'association"})

    voters = list(Member.objects.filter(association=association, user__isnull=False)
                  .select_related("user", "group").order_by("number")[:6])
    for index, (name, details, votes) in enumerate(SUGGESTIONS):
        author = voters[index % len(voters)] if voters else None
        suggestion, _ = Suggestion.objects.get_or_create(association=association, name=name, defaults={
            "details": details, "author": author.user if author else None, "group": author.group if author else None})
        for voter in voters[:votes]:
            SuggestionVote.objects.get_or_create(suggestion=suggestion, user=voter.user)

    stdout.write(f"Catalogue : {len(suppliers)} fournisseurs, {len(products)} produits ({created} nouveaux).")
    return []
